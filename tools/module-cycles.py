#!/usr/bin/env python3
# Module cycles in src/: an edge A -> B when code or docs of module A (tests left out) name
# crate::B. Usage: tools/module-cycles.py [src] [--collapse] [--strict]; --collapse counts a
# module and its submodules as one. Prints each group of modules that name each other;
# exits 0, or with --strict 1 when there is such a group (CI runs it so on both crates).
import os, re, sys, itertools
args = [a for a in sys.argv[1:] if not a.startswith('--')]
root = args[0] if args else 'src'
strict = '--strict' in sys.argv
collapse = '--collapse' in sys.argv
def module_of(path):
    rel = os.path.relpath(path, root)[:-3]
    parts = rel.split('/')
    if parts[-1] == 'mod': parts = parts[:-1]
    if parts[0] in ('lib', 'main'): return None
    if parts[0] == 'system' and len(parts) > 1 and not collapse: return 'system::' + parts[1]
    return parts[0]
edges = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p = os.path.join(d, f)
        m = module_of(p)
        if m is None: continue
        text = open(p).read()
        # drop test modules' bodies roughly: ignore lines after #[cfg(test)]
        cut = text.find('#[cfg(test)]')
        if cut >= 0: text = text[:cut]
        if '/tests' in p or p.endswith('tests.rs'): continue
        targets = set()
        for mm in re.finditer(r'crate::([a-z_]+)(?:::([a-z_]+))?', text):
            a, b = mm.group(1), mm.group(2)
            t = 'system::' + b if not collapse and a == 'system' and b and b in ('engine','properties','compiled','wiring','world','view') else a
            targets.add(t)
        # super:: inside system submodules -> system
        if not collapse and m.startswith('system::') and re.search(r'\bsuper::', text): targets.add('system')
        if not collapse and m == 'system':
            for mm in re.finditer(r'\b(engine|properties|compiled|wiring|world|view)::', text):
                targets.add('system::' + mm.group(1))
        for t in targets:
            if t != m and not (m.startswith('system::') and t == m):
                edges.setdefault(m, set()).add(t)
# collapse system::X -> system ancestor edges are parent/child; report SCCs
nodes = set(edges) | set(itertools.chain.from_iterable(edges.values()))
index = {}; low = {}; stack = []; on = set(); sccs = []; i = [0]
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: strong(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
sys.setrecursionlimit(10000)
for v in sorted(nodes):
    if v not in index: strong(v)
for c in sccs:
    print('cycle:', ' '.join(c))
    for a in c:
        print('   ', a, '->', ', '.join(sorted(t for t in edges.get(a, ()) if t in c)))
print(len(sccs), 'strongly connected groups of more than one module')
if strict and sccs:
    sys.exit(1)
