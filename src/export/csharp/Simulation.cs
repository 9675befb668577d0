// The row type, the table compiler and the helpers every generated simulator uses.
// Written by `ucma-ha export csharp`; holds no table content (the machine files do).

using System;
using System.Collections.Generic;

namespace UcmaHa
{
    /// <summary>
    /// Stands in for UCMA's <c>SipMessageData</c>: an event's <c>MessageData</c> is this
    /// instance when a SIP message caused the change, and null otherwise.
    /// </summary>
    public sealed class SipMessageData
    {
        /// <summary>The one instance the simulators pass.</summary>
        public static readonly SipMessageData Simulated = new SipMessageData();

        private SipMessageData()
        {
        }
    }

    /// <summary>The base of every generated event-args class.</summary>
    public abstract class SimulatedEventArgs : EventArgs
    {
        /// <summary>The event's name in trace files (the <c>event</c> key).</summary>
        public abstract string EventName { get; }

        /// <summary>
        /// The arguments by their trace field names, in order: enum values as their .NET names,
        /// <c>MessageData</c> as a boolean.
        /// </summary>
        public abstract IList<KeyValuePair<string, object>> TraceFields();
    }

    /// <summary>The state of one component, by name.</summary>
    public sealed class ComponentState
    {
        /// <summary>Creates it.</summary>
        public ComponentState(string component, string state, string tableState)
        {
            Component = component;
            State = state;
            TableState = tableState;
        }

        /// <summary>The component: the machine id, or for the composed system e.g. <c>remote_presence[0]</c>.</summary>
        public string Component { get; private set; }

        /// <summary>The name of the state .NET shows.</summary>
        public string State { get; private set; }

        /// <summary>The name of the table state (equal to <see cref="State"/> unless the table folds in
        /// something .NET does not show); null when unknown.</summary>
        public string TableState { get; private set; }
    }

    /// <summary>What every generated simulator offers to tools that work with names.</summary>
    public interface ISimulator
    {
        /// <summary>The machine id in trace files.</summary>
        string MachineId { get; }

        /// <summary>The state of every component (one for a single machine).</summary>
        IList<ComponentState> States { get; }

        /// <summary>Executes a stimulus by name.</summary>
        /// <exception cref="ArgumentException">No stimulus has this name.</exception>
        /// <exception cref="InvalidOperationException">The stimulus is rejected.</exception>
        void Step(string stimulus);

        /// <summary>Raised for every event the simulator raises, in order.</summary>
        event EventHandler<SimulatedEventArgs> Raised;
    }

    /// <summary>What a row does.</summary>
    public enum RowOutcome
    {
        /// <summary>Accepts the stimulus, moves (possibly to the same state) and raises events.</summary>
        Move,
        /// <summary>Accepts the stimulus and changes nothing.</summary>
        Ignore,
        /// <summary>Refuses the stimulus with an exception; nothing changes.</summary>
        Reject,
    }

    /// <summary>One row of a table: in <see cref="From"/>, on <see cref="On"/>, where the guard
    /// holds, do <see cref="Outcome"/>.</summary>
    public sealed class TableRow<TState, TStimulus>
        where TState : struct
        where TStimulus : struct
    {
        private TableRow(TState from, TStimulus on, RowOutcome outcome, TState to,
            SimulatedEventArgs[] emits, string rejects, string[] clauses)
        {
            From = from;
            On = on;
            Outcome = outcome;
            To = to;
            Emits = emits;
            Rejects = rejects;
            Clauses = clauses;
            Guard = "";
            GuardSets = ulong.MaxValue;
        }

        /// <summary>The state the row applies in.</summary>
        public TState From { get; private set; }

        /// <summary>The stimulus the row answers.</summary>
        public TStimulus On { get; private set; }

        /// <summary>The guard as the model writes it; empty when the row always applies.</summary>
        public string Guard { get; private set; }

        /// <summary>The parameter sets the guard holds for, one bit per set.</summary>
        public ulong GuardSets { get; private set; }

        /// <summary>What the row does.</summary>
        public RowOutcome Outcome { get; private set; }

        /// <summary>The state after the step.</summary>
        public TState To { get; private set; }

        /// <summary>The events raised, in order (moves only).</summary>
        public SimulatedEventArgs[] Emits { get; private set; }

        /// <summary>The exception's name (rejections only).</summary>
        public string Rejects { get; private set; }

        /// <summary>The clause and fact IDs the row rests on.</summary>
        public string[] Clauses { get; private set; }

        /// <summary>A row that moves to <paramref name="to"/> and raises <paramref name="emits"/>.</summary>
        public static TableRow<TState, TStimulus> Move(TState from, TStimulus on, TState to,
            SimulatedEventArgs[] emits, params string[] clauses)
        {
            return new TableRow<TState, TStimulus>(from, on, RowOutcome.Move, to, emits, null, clauses);
        }

        /// <summary>A row that accepts the stimulus and changes nothing.</summary>
        public static TableRow<TState, TStimulus> Ignore(TState from, TStimulus on, params string[] clauses)
        {
            return new TableRow<TState, TStimulus>(from, on, RowOutcome.Ignore, from,
                new SimulatedEventArgs[0], null, clauses);
        }

        /// <summary>A row that refuses the stimulus with the named exception.</summary>
        public static TableRow<TState, TStimulus> Reject(TState from, TStimulus on, string exception,
            params string[] clauses)
        {
            return new TableRow<TState, TStimulus>(from, on, RowOutcome.Reject, from,
                new SimulatedEventArgs[0], exception, clauses);
        }

        /// <summary>The same row, applying only to the parameter sets in <paramref name="sets"/>.</summary>
        public TableRow<TState, TStimulus> When(string label, ulong sets)
        {
            var row = (TableRow<TState, TStimulus>)MemberwiseClone();
            row.Guard = label;
            row.GuardSets = sets;
            return row;
        }

        /// <summary>The row as the model's tables print it.</summary>
        public override string ToString()
        {
            string guard = Guard.Length == 0 ? "" : " [" + Guard + "]";
            string outcome = Outcome == RowOutcome.Move ? "-> " + To
                : Outcome == RowOutcome.Ignore ? "ignored" : "rejected with " + Rejects;
            return From + ", " + On + guard + ": " + outcome + " (" + string.Join(", ", Clauses) + ")";
        }
    }

    /// <summary>An exception the model names that .NET has no class for here.</summary>
    public sealed class SimulatedException : Exception
    {
        /// <summary>Creates it.</summary>
        public SimulatedException(string name, string message) : base(message)
        {
            Name = name;
        }

        /// <summary>The exception's name in the model.</summary>
        public string Name { get; private set; }
    }

    /// <summary>Compiling rows into a look-up, and the errors a step raises.</summary>
    public static class Table
    {
        /// <summary>
        /// For each (state, stimulus) pair, the index of the one row that applies to parameter
        /// set <paramref name="set"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">A pair has no row or more than one.</exception>
        public static int[] Compile<TState, TStimulus>(string machine, TableRow<TState, TStimulus>[] rows,
            int states, int stimuli, int set)
            where TState : struct
            where TStimulus : struct
        {
            var index = new int[states * stimuli];
            for (int i = 0; i < index.Length; i++)
            {
                index[i] = -1;
            }
            for (int i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                if ((row.GuardSets & (1UL << set)) == 0)
                {
                    continue;
                }
                int at = Convert.ToInt32(row.From) * stimuli + Convert.ToInt32(row.On);
                if (index[at] >= 0)
                {
                    throw new InvalidOperationException(machine + ": rows " + index[at] + " and " + i
                        + " both answer " + row.On + " in " + row.From);
                }
                index[at] = i;
            }
            for (int at = 0; at < index.Length; at++)
            {
                if (index[at] < 0)
                {
                    throw new InvalidOperationException(machine + ": no row for state " + at / stimuli
                        + ", stimulus " + at % stimuli);
                }
            }
            return index;
        }

        /// <summary>The exception a rejecting row throws.</summary>
        public static Exception Rejection<TState, TStimulus>(string machine, string state, string stimulus,
            TableRow<TState, TStimulus> row)
            where TState : struct
            where TStimulus : struct
        {
            string message = machine + ": " + stimulus + " is not valid in " + state
                + " (" + string.Join(", ", row.Clauses) + ")";
            if (row.Rejects == "InvalidOperationException")
            {
                return new InvalidOperationException(message);
            }
            return new SimulatedException(row.Rejects, message);
        }

        /// <summary>A stimulus by its exact name.</summary>
        /// <exception cref="ArgumentException">No stimulus has this name.</exception>
        public static TStimulus Parse<TStimulus>(string machine, string name)
            where TStimulus : struct
        {
            string[] names = Enum.GetNames(typeof(TStimulus));
            if (Array.IndexOf(names, name) < 0)
            {
                throw new ArgumentException("`" + machine + "` has no stimulus `" + name + "` (it has "
                    + string.Join(", ", names) + ")");
            }
            return (TStimulus)Enum.Parse(typeof(TStimulus), name);
        }
    }

    /// <summary>Reading a trace's config values.</summary>
    public static class ParameterValues
    {
        /// <summary>A boolean parameter.</summary>
        /// <exception cref="ArgumentException">The value is not a boolean.</exception>
        public static bool Bool(string machine, string key, object value)
        {
            if (value is bool)
            {
                return (bool)value;
            }
            throw new ArgumentException("bad config for `" + machine + "`: `" + key + "` must be true or false");
        }

        /// <summary>A string parameter with a known set of values.</summary>
        /// <exception cref="ArgumentException">The value is not one of them.</exception>
        public static string OneOf(string machine, string key, object value, params string[] values)
        {
            var text = value as string;
            if (text != null && Array.IndexOf(values, text) >= 0)
            {
                return text;
            }
            throw new ArgumentException("bad config for `" + machine + "`: `" + key + "` must be one of "
                + string.Join(", ", values));
        }

        /// <summary>The error for an unknown key.</summary>
        public static ArgumentException Unknown(string machine, string key, string[] keys)
        {
            return new ArgumentException("bad config for `" + machine + "`: unknown key `" + key + "`"
                + (keys.Length == 0 ? " (it takes none)" : " (it takes " + string.Join(", ", keys) + ")"));
        }
    }
}
