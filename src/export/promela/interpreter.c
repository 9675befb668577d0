/* Scratch of the interpreter (C globals: not part of a stored state). */
static int budget, rejected, diverged, aborted, changed;
static int violated[@PROPERTIES@];
static unsigned char saved[SLOTS];
static int saved_pool, saved_connection;
static void observe(int kd, int stim, int from, int oc, int to);
static void react(int list, int source);

static void save(void) {
  int i;
  for (i = 0; i < SLOTS; i++) saved[i] = now.st[i];
  saved_pool = now.pool_down; saved_connection = now.connection_dropped;
}
static void restore(void) {
  int i;
  for (i = 0; i < SLOTS; i++) now.st[i] = saved[i];
  now.pool_down = saved_pool; now.connection_dropped = saved_connection;
}
static int compare(void) {
  int i;
  for (i = 0; i < SLOTS; i++) if (now.st[i] != saved[i]) return 1;
  return now.pool_down != saved_pool || now.connection_dropped != saved_connection;
}
static void canonical(void) {@CANONICAL@
}

/* One delivery: the cell, the judgements, the move, and the wiring rows the move
   triggers, each run to completion in row order. */
static void deliver(int slot, int stim, int primary) {
  int kd, from, ci, oc, to, ti, i;
  if (aborted) return;
  if (budget == 0) { diverged = 1; aborted = 1; return; }
  budget--;
  kd = KO[slot]; from = now.st[slot];
  ci = CB[kd] + from * NS[kd] + stim;
  oc = CO[ci]; to = CT[ci];
  observe(kd, stim, from, oc, to);
  if (oc == 2) { if (primary) { rejected = 1; aborted = 1; } return; }
  if (oc != 0) return;
  now.st[slot] = to;
  ti = CB[kd] + to * NS[kd] + stim;
  for (i = 0; i < TN[ti]; i++) react(TL[TS[ti] + i], slot);
}

/* The target of reaction r from source s (Target order: Registration, Endpoint,
   LocalOwnerPresence, ContactGroupServices, FreeView, Owner, Subscription). */
static int target_of(int r, int s) {
  int v, key, best = 255, t = NONE;
  switch (RT[r]) {
  case 0: return 0;
  case 1: return 1;
  case 2: return 2;
  case 3: return PR[4] ? 4 : NONE;
  case 4:
    /* the view with the least (view, subscription) pair among those that accept
       BeginSubscribe, else the least pair; the first such view on a tie */
    for (v = 6; v < SLOTS; v += 2) {
      key = VO[now.st[v]] + 8 * SO[now.st[v + 1]];
      if (ACC[now.st[v]] && key < best) { best = key; t = v; }
    }
    if (t == NONE)
      for (v = 6; v < SLOTS; v += 2) {
        key = VO[now.st[v]] + 8 * SO[now.st[v + 1]];
        if (key < best) { best = key; t = v; }
      }
    return t;
  case 5: return (s != NONE && s >= 2) ? s - (s - 2) % 2 : NONE;
  case 6: return (s != NONE && s >= 2) ? s + 1 - (s - 2) % 2 : NONE;
  default: return NONE;
  }
}

/* Reaction r on target t from source s (Action order: Call, Deliver, Reply, Renew,
   SetPool, SetConnection). */
static void apply(int r, int t, int s) {
  int stim;
  if (aborted || !reaction_guard(r, t, s)) return;
  switch (RA[r]) {
  case 0:
    stim = t != NONE ? RS[r * 7 + KO[t]] : NONE;
    if (stim == NONE) { rejected = 1; aborted = 1; } else deliver(t, stim, 1);
    break;
  case 1:
    stim = t != NONE ? RS[r * 7 + KO[t]] : NONE;
    if (stim != NONE) deliver(t, stim, 0);
    break;
  case 2:
    if (t == NONE) break;
    stim = REPLY[(KO[t] * 7 + RX[r]) * 4 + now.pool_down + 2 * now.connection_dropped];
    if (stim != NONE) deliver(t, stim, 0);
    break;
  case 3:
    if (t != NONE && (KO[t] == 5 || KO[t] == 6)) now.st[t] = 0;
    break;
  case 4: now.pool_down = 1 - RX[r]; break;
  case 5: now.connection_dropped = 1 - RX[r]; break;
  }
}

/* The reactions of a list, in order; a broadcast reaches every present owner (or its
   subscription) in slot order. */
static void react(int list, int source) {
  int i, r, owner;
  for (i = 0; i < LN[list]; i++) {
    if (aborted) return;
    r = LB[list] + i;
    if (RT[r] == 7 || RT[r] == 8) {
      for (owner = 2; owner < SLOTS; owner += 2) {
        if (aborted) return;
        if (PR[owner]) apply(r, owner + (RT[r] - 7), source);
      }
    } else apply(r, target_of(r, source), source);
  }
}

/* The macro-step of system stimulus k; a rejected application call restores the state. */
static void macro(int k) {
  save();
  budget = @BUDGET@; rejected = 0; diverged = 0; aborted = 0;
  react(k, NONE);
  if (rejected) restore();
}

/* Whether stimulus k would move the system from the current state (which it keeps). */
static int would_move(int k) {
  int moved;
  if (!requires_of(k)) return 0;
  macro(k);
  canonical();
  moved = compare();
  restore();
  return moved;
}
