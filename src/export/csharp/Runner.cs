// The vector runner: replays trace files (ucma-ha's trace format, which test vectors use)
// against an ITraceTarget, by default the generated simulators, and reports the first
// divergence of each file as `ucma-ha replay` does. Exit 0 all match, 1 a divergence,
// 2 a bad file. Written by `ucma-ha export csharp`; holds no table content.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace UcmaHa
{
    /// <summary>An event as a trace file writes it: its name and its fields in order.</summary>
    public sealed class TraceEvent
    {
        /// <summary>Creates an event.</summary>
        public TraceEvent(string name, IList<KeyValuePair<string, object>> fields)
            : this(name, fields, null)
        {
        }

        /// <summary>Creates an event of a component of a composed system.</summary>
        public TraceEvent(string name, IList<KeyValuePair<string, object>> fields, string component)
        {
            Name = name;
            Fields = fields;
            Component = component;
        }

        /// <summary>The component that raised it (composed systems), else null.</summary>
        public string Component { get; private set; }

        /// <summary>The event name (trace key <c>event</c>).</summary>
        public string Name { get; private set; }

        /// <summary>The fields: strings for enum values, booleans for <c>MessageData</c>.</summary>
        public IList<KeyValuePair<string, object>> Fields { get; private set; }

        /// <summary>The event of a simulator's event args.</summary>
        public static TraceEvent Of(SimulatedEventArgs raised)
        {
            return new TraceEvent(raised.EventName, raised.TraceFields());
        }

        /// <summary>The event of a composed system's event args.</summary>
        public static TraceEvent Of(ComponentEventArgs raised)
        {
            return new TraceEvent(raised.Event.EventName, raised.Event.TraceFields(), raised.Component);
        }
    }

    /// <summary>What the code under test did with one stimulus.</summary>
    public sealed class StepResult
    {
        /// <summary>The .NET state name afterwards.</summary>
        public string State { get; set; }

        /// <summary>The table state name afterwards, where the code has one (else null).</summary>
        public string TableState { get; set; }

        /// <summary>The state of every component, for composed systems; when null, the one component is
        /// the machine with <see cref="State"/> and <see cref="TableState"/>.</summary>
        public IList<ComponentState> States { get; set; }

        /// <summary>The exception name when the stimulus was rejected, else null.</summary>
        public string Rejected { get; set; }

        /// <summary>The events raised, in order.</summary>
        public IList<TraceEvent> Events { get; set; }
    }

    /// <summary>
    /// The adapter between trace files and the code under test. Implement it for your own code
    /// and pass it to <see cref="TraceRunner.Run"/>; <see cref="SimulatorTarget"/> is the one
    /// for the generated simulators.
    /// </summary>
    public interface ITraceTarget
    {
        /// <summary>Starts a fresh instance of <paramref name="machine"/> with a trace's config.</summary>
        /// <exception cref="ArgumentException">The machine or config is not supported (exit 2).</exception>
        void Start(string machine, IDictionary<string, object> config);

        /// <summary>Delivers one stimulus by name.</summary>
        /// <exception cref="ArgumentException">No stimulus has this name (exit 2).</exception>
        StepResult Step(string stimulus);
    }

    /// <summary>Runs traces against the generated simulators.</summary>
    public sealed class SimulatorTarget : ITraceTarget
    {
        private ISimulator simulator;
        private readonly List<TraceEvent> raised = new List<TraceEvent>();

        /// <inheritdoc/>
        public void Start(string machine, IDictionary<string, object> config)
        {
            simulator = Simulators.Create(machine, config);
            var system = simulator as SystemSimulator;
            if (system != null)
            {
                system.ComponentRaised += (sender, e) => raised.Add(TraceEvent.Of(e));
            }
            else
            {
                simulator.Raised += (sender, e) => raised.Add(TraceEvent.Of(e));
            }
        }

        /// <inheritdoc/>
        public StepResult Step(string stimulus)
        {
            raised.Clear();
            string rejected = null;
            try
            {
                simulator.Step(stimulus);
            }
            catch (InvalidOperationException)
            {
                rejected = "InvalidOperationException";
            }
            catch (SimulatedException e)
            {
                rejected = e.Name;
            }
            IList<ComponentState> states = simulator.States;
            return new StepResult
            {
                State = states.Count == 1 ? states[0].State : null,
                TableState = states.Count == 1 ? states[0].TableState : null,
                States = states,
                Rejected = rejected,
                Events = new List<TraceEvent>(raised),
            };
        }
    }

    /// <summary>A file that is not a valid trace.</summary>
    public sealed class TraceFormatException : Exception
    {
        /// <summary>Creates it; <paramref name="path"/> names the place in the document.</summary>
        public TraceFormatException(string path, string message)
            : base(path.Length == 0 ? message : path + ": " + message)
        {
        }
    }

    /// <summary>Replays trace files and reports the first divergence of each.</summary>
    public static class TraceRunner
    {
        /// <summary>Exit code: every file matched.</summary>
        public const int Success = 0;
        /// <summary>Exit code: a file diverged.</summary>
        public const int Failed = 1;
        /// <summary>Exit code: a file is not a valid trace (wins over a divergence).</summary>
        public const int BadInput = 2;

        /// <summary>Replays the files given on the command line against the generated simulators.</summary>
        public static int Main(string[] args)
        {
            bool quiet = false;
            var files = new List<string>();
            foreach (string arg in args)
            {
                if (arg == "-q" || arg == "--quiet")
                {
                    quiet = true;
                }
                else if (arg == "-h" || arg == "--help")
                {
                    Console.WriteLine("usage: mono runner.exe [-q] TRACE... (- for standard input)\n"
                        + "       mono runner.exe --machines\n"
                        + "Replays trace files against the generated simulators; prints the first divergence\n"
                        + "of each file. -q prints only divergences, errors and the summary. --machines lists\n"
                        + "the machine ids the simulators cover. Exit 0 all match, 1 a divergence, 2 a bad file.");
                    return Success;
                }
                else if (arg == "--machines")
                {
                    Console.WriteLine(string.Join("\n", Simulators.Machines));
                    return Success;
                }
                else
                {
                    files.Add(arg);
                }
            }
            if (files.Count == 0)
            {
                Console.Error.WriteLine("error: no trace files given (usage: mono runner.exe [-q] TRACE...)");
                return BadInput;
            }
            try
            {
                return Run(new SimulatorTarget(), files, Console.Out, Console.Error, quiet);
            }
            catch (IOException)
            {
                // Standard output was closed (`mono runner.exe ... | head`): stop quietly.
                return Failed;
            }
        }

        /// <summary>Replays every file against <paramref name="target"/>.</summary>
        /// <returns>0 when all match, 1 on a divergence, 2 when a file is not a valid trace.</returns>
        public static int Run(ITraceTarget target, IEnumerable<string> files, TextWriter output,
            TextWriter errors, bool quiet)
        {
            int code = Success;
            int ok = 0, diverged = 0, bad = 0;
            foreach (string file in files)
            {
                string divergence;
                int steps;
                try
                {
                    Trace trace = Trace.Parse(Read(file));
                    divergence = Replay(target, trace, out steps);
                }
                catch (Exception e) when (e is TraceFormatException || e is ArgumentException
                    || e is FileNotFoundException || e is DirectoryNotFoundException
                    || e is UnauthorizedAccessException)
                {
                    errors.WriteLine("error: " + file + ": " + e.Message);
                    bad++;
                    code = BadInput;
                    continue;
                }
                if (divergence == null)
                {
                    ok++;
                    if (!quiet)
                    {
                        output.WriteLine(file + ": ok (" + steps + " steps)");
                    }
                }
                else
                {
                    diverged++;
                    output.WriteLine(file + ": " + divergence);
                    code = Math.Max(code, Failed);
                }
            }
            output.WriteLine(ok + diverged + bad + " trace file(s): " + ok + " ok, " + diverged + " diverged, "
                + bad + " not valid");
            return code;
        }

        /// <summary>A file's bytes; <c>-</c> is standard input.</summary>
        private static byte[] Read(string file)
        {
            if (file != "-")
            {
                return File.ReadAllBytes(file);
            }
            using (var input = Console.OpenStandardInput())
            using (var buffer = new MemoryStream())
            {
                input.CopyTo(buffer);
                return buffer.ToArray();
            }
        }

        /// <summary>Replays one trace; null when every step matches, else the divergence in words.</summary>
        /// <exception cref="ArgumentException">The target does not know the machine, config or a stimulus.</exception>
        public static string Replay(ITraceTarget target, Trace trace, out int steps)
        {
            target.Start(trace.Machine, trace.Config);
            steps = 0;
            for (int i = 0; i < trace.Steps.Count; i++)
            {
                TraceStep step = trace.Steps[i];
                StepResult actual;
                try
                {
                    actual = target.Step(step.On);
                }
                catch (ArgumentException e)
                {
                    throw new TraceFormatException("steps[" + i + "].on", e.Message);
                }
                steps++;
                if (step.Expect == null)
                {
                    continue;
                }
                List<string> mismatches = Compare(trace.Machine, step.Expect, actual);
                if (mismatches.Count > 0)
                {
                    var text = new StringBuilder();
                    text.Append("`" + trace.Machine + "` diverges at steps[" + i + "] (`" + step.On + "`)\n");
                    string path = i == 0 ? "(none: it is the first step)"
                        : string.Join(", ", trace.Steps.Take(i).Select(s => s.On));
                    text.Append("  path so far: " + path + "\n");
                    text.Append("  expected: " + Json.Write(step.Expect.Raw) + "\n");
                    text.Append("  actual:   " + ActualJson(trace.Machine, actual) + "\n");
                    text.Append(string.Join("\n", mismatches.Select(m => "  - " + m)));
                    return text.ToString();
                }
            }
            return null;
        }

        private static IList<ComponentState> StatesOf(string machine, StepResult actual)
        {
            return actual.States ?? new[] { new ComponentState(machine, actual.State, actual.TableState) };
        }

        private static bool StateMatches(string expected, ComponentState actual)
        {
            return expected == actual.State || (actual.TableState != null && expected == actual.TableState);
        }

        private static string ShowState(ComponentState actual)
        {
            if (actual.TableState == null || actual.TableState == actual.State)
            {
                return "`" + actual.State + "`";
            }
            return "`" + actual.State + "` (table state `" + actual.TableState + "`)";
        }

        private static List<string> Compare(string machine, Expectation expect, StepResult actual)
        {
            var mismatches = new List<string>();
            IList<ComponentState> states = StatesOf(machine, actual);
            if (expect.State != null)
            {
                if (states.Count != 1)
                {
                    throw new TraceFormatException("expect.state", "`" + machine + "` has " + states.Count
                        + " components; name them under `states`");
                }
                else if (!StateMatches(expect.State, states[0]))
                {
                    mismatches.Add("state: expected `" + expect.State + "`, found " + ShowState(states[0]));
                }
            }
            if (expect.States != null)
            {
                foreach (var entry in expect.States)
                {
                    ComponentState found = states.FirstOrDefault(state => state.Component == entry.Key);
                    if (found == null)
                    {
                        mismatches.Add("states." + entry.Key + ": no such component");
                    }
                    else if (!StateMatches(entry.Value, found))
                    {
                        mismatches.Add("states." + entry.Key + ": expected `" + entry.Value + "`, found "
                            + ShowState(found));
                    }
                }
            }
            if (expect.ChecksRejected)
            {
                if (expect.Rejected == null && actual.Rejected != null)
                {
                    mismatches.Add("rejected: expected accepted, found `" + actual.Rejected + "`");
                }
                else if (expect.Rejected != null && expect.Rejected != actual.Rejected)
                {
                    mismatches.Add("rejected: expected `" + expect.Rejected + "`, found "
                        + (actual.Rejected == null ? "accepted" : "`" + actual.Rejected + "`"));
                }
            }
            var events = actual.Events ?? new List<TraceEvent>();
            if (expect.Emits != null)
            {
                if (expect.Emits.Count != events.Count)
                {
                    mismatches.Add("emits: expected " + expect.Emits.Count + " event(s), found " + events.Count
                        + ": " + EventsJson(events));
                }
                else
                {
                    for (int i = 0; i < events.Count; i++)
                    {
                        var expected = expect.Emits[i];
                        if (!EventMatches(expected, events[i]))
                        {
                            mismatches.Add("emits[" + i + "]: expected " + Json.Write(expected) + ", found "
                                + EventJson(events[i]) + Differing(expected, events[i]));
                        }
                    }
                }
            }
            if (expect.EmitsInclude != null)
            {
                int at = 0;
                for (int i = 0; i < expect.EmitsInclude.Count; i++)
                {
                    var expected = expect.EmitsInclude[i];
                    while (at < events.Count && !EventMatches(expected, events[at]))
                    {
                        at++;
                    }
                    if (at == events.Count)
                    {
                        mismatches.Add("emits_include[" + i + "]: " + Json.Write(expected)
                            + " is not among the raised events (in order): " + EventsJson(events));
                        break;
                    }
                    at++;
                }
            }
            return mismatches;
        }

        /// <summary>The value of a field of an actual event (the name under <c>event</c>).</summary>
        private static bool TryField(TraceEvent actual, string field, out object value)
        {
            if (field == "event")
            {
                value = actual.Name;
                return true;
            }
            if ((field == "component" || field == "Component") && actual.Component != null)
            {
                value = actual.Component;
                return true;
            }
            foreach (var entry in actual.Fields)
            {
                if (entry.Key == field)
                {
                    value = entry.Value;
                    return true;
                }
            }
            value = null;
            return false;
        }

        private static bool EventMatches(XElement expected, TraceEvent actual)
        {
            foreach (XElement field in expected.Elements())
            {
                object value;
                if (!TryField(actual, Json.Key(field), out value) || !Json.Equal(field, value))
                {
                    return false;
                }
            }
            return true;
        }

        private static string Differing(XElement expected, TraceEvent actual)
        {
            var fields = new List<string>();
            foreach (XElement field in expected.Elements())
            {
                object value;
                if (!TryField(actual, Json.Key(field), out value) || !Json.Equal(field, value))
                {
                    fields.Add(Json.Key(field));
                }
            }
            return fields.Count == 0 ? "" : " (differs in " + string.Join(", ", fields) + ")";
        }

        private static string EventJson(TraceEvent actual)
        {
            var fields = new List<KeyValuePair<string, object>>();
            fields.Add(new KeyValuePair<string, object>("event", actual.Name));
            fields.AddRange(actual.Fields);
            if (actual.Component != null)
            {
                fields.Add(new KeyValuePair<string, object>("component", actual.Component));
            }
            return Json.Object(fields);
        }

        private static string EventsJson(IList<TraceEvent> events)
        {
            return "[" + string.Join(",", events.Select(EventJson)) + "]";
        }

        private static string ActualJson(string machine, StepResult actual)
        {
            IList<ComponentState> states = StatesOf(machine, actual);
            var fields = new List<KeyValuePair<string, object>>();
            if (states.Count == 1)
            {
                fields.Add(new KeyValuePair<string, object>("state", states[0].State));
            }
            else
            {
                fields.Add(new KeyValuePair<string, object>("states", new Json.Raw(Json.Object(
                    states.Select(state => new KeyValuePair<string, object>(state.Component, state.State))))));
            }
            var hidden = states.Where(state => state.TableState != null && state.TableState != state.State)
                .Select(state => new KeyValuePair<string, object>(state.Component, state.TableState)).ToList();
            if (hidden.Count > 0)
            {
                fields.Add(new KeyValuePair<string, object>("table_states", new Json.Raw(Json.Object(hidden))));
            }
            fields.Add(new KeyValuePair<string, object>("rejected", actual.Rejected));
            fields.Add(new KeyValuePair<string, object>("emits",
                new Json.Raw(EventsJson(actual.Events ?? new List<TraceEvent>()))));
            return Json.Object(fields);
        }
    }

    /// <summary>A trace file: <c>{"machine": ID, "config": {...}, "steps": [...]}</c>.</summary>
    public sealed class Trace
    {
        /// <summary>The machine id.</summary>
        public string Machine { get; private set; }

        /// <summary>The config: booleans, strings or numbers (doubles) by key.</summary>
        public IDictionary<string, object> Config { get; private set; }

        /// <summary>The steps.</summary>
        public IList<TraceStep> Steps { get; private set; }

        /// <summary>Reads a trace from a JSON document (UTF-8, a byte order mark allowed).</summary>
        /// <exception cref="TraceFormatException">Not JSON, or not a trace.</exception>
        public static Trace Parse(byte[] bytes)
        {
            XElement root = Json.Read(bytes);
            Json.Expect(root, "object", "");
            var trace = new Trace { Config = new Dictionary<string, object>(), Steps = new List<TraceStep>() };
            bool hasMachine = false, hasSteps = false;
            foreach (XElement member in root.Elements())
            {
                string key = Json.Key(member);
                switch (key)
                {
                    case "format_version":
                        Json.Expect(member, "number", key);
                        if (member.Value != "1")
                        {
                            throw new TraceFormatException(key, "format version " + member.Value
                                + " is not supported (this runner reads version 1)");
                        }
                        break;
                    case "machine":
                        Json.Expect(member, "string", key);
                        trace.Machine = member.Value;
                        hasMachine = true;
                        break;
                    case "config":
                        if (Json.Type(member) == "null")
                        {
                            break;
                        }
                        Json.Expect(member, "object", key);
                        foreach (XElement entry in member.Elements())
                        {
                            trace.Config[Json.Key(entry)] = Json.Scalar(entry, key + "." + Json.Key(entry));
                        }
                        break;
                    case "steps":
                        Json.Expect(member, "array", key);
                        int i = 0;
                        foreach (XElement step in member.Elements())
                        {
                            trace.Steps.Add(TraceStep.Parse(step, "steps[" + i + "]"));
                            i++;
                        }
                        hasSteps = true;
                        break;
                    default:
                        throw new TraceFormatException(key, "unknown key (a trace has machine, config, steps"
                            + " and format_version)");
                }
            }
            if (!hasMachine)
            {
                throw new TraceFormatException("", "missing key `machine`");
            }
            if (!hasSteps)
            {
                throw new TraceFormatException("", "missing key `steps`");
            }
            return trace;
        }
    }

    /// <summary>One step: a stimulus and, optionally, what to expect.</summary>
    public sealed class TraceStep
    {
        /// <summary>The stimulus name.</summary>
        public string On { get; private set; }

        /// <summary>The expectation; null when absent.</summary>
        public Expectation Expect { get; private set; }

        internal static TraceStep Parse(XElement element, string path)
        {
            Json.Expect(element, "object", path);
            var step = new TraceStep();
            foreach (XElement member in element.Elements())
            {
                string key = Json.Key(member);
                switch (key)
                {
                    case "on":
                        Json.Expect(member, "string", path + ".on");
                        step.On = member.Value;
                        break;
                    case "expect":
                        if (Json.Type(member) != "null")
                        {
                            step.Expect = Expectation.Parse(member, path + ".expect");
                        }
                        break;
                    default:
                        throw new TraceFormatException(path + "." + key, "unknown key (a step has on and expect)");
                }
            }
            if (step.On == null)
            {
                throw new TraceFormatException(path, "missing key `on`");
            }
            return step;
        }
    }

    /// <summary>What a step expects; an absent key is not checked.</summary>
    public sealed class Expectation
    {
        /// <summary>The expected state name, or null.</summary>
        public string State { get; private set; }

        /// <summary>Expected states by component, or null.</summary>
        public IDictionary<string, string> States { get; private set; }

        /// <summary>Whether <c>rejected</c> is given.</summary>
        public bool ChecksRejected { get; private set; }

        /// <summary>The expected exception name; null to require acceptance.</summary>
        public string Rejected { get; private set; }

        /// <summary>The events expected, in order and number, or null.</summary>
        public IList<XElement> Emits { get; private set; }

        /// <summary>Events that must appear in this order among the raised ones, or null.</summary>
        public IList<XElement> EmitsInclude { get; private set; }

        /// <summary>The expectation as read.</summary>
        public XElement Raw { get; private set; }

        internal static Expectation Parse(XElement element, string path)
        {
            Json.Expect(element, "object", path);
            var expect = new Expectation { Raw = element };
            foreach (XElement member in element.Elements())
            {
                string key = Json.Key(member);
                string at = path + "." + key;
                switch (key)
                {
                    case "state":
                        Json.Expect(member, "string", at);
                        expect.State = member.Value;
                        break;
                    case "states":
                        Json.Expect(member, "object", at);
                        expect.States = new Dictionary<string, string>();
                        foreach (XElement entry in member.Elements())
                        {
                            Json.Expect(entry, "string", at + "." + Json.Key(entry));
                            expect.States[Json.Key(entry)] = entry.Value;
                        }
                        break;
                    case "rejected":
                        expect.ChecksRejected = true;
                        if (Json.Type(member) != "null")
                        {
                            Json.Expect(member, "string", at);
                            expect.Rejected = member.Value;
                        }
                        break;
                    case "emits":
                        expect.Emits = Events(member, at);
                        break;
                    case "emits_include":
                        expect.EmitsInclude = Events(member, at);
                        break;
                    default:
                        throw new TraceFormatException(at, "unknown key (an expectation has state, states,"
                            + " rejected, emits and emits_include)");
                }
            }
            return expect;
        }

        private static IList<XElement> Events(XElement element, string path)
        {
            Json.Expect(element, "array", path);
            var events = new List<XElement>();
            int i = 0;
            foreach (XElement item in element.Elements())
            {
                string at = path + "[" + i + "]";
                Json.Expect(item, "object", at);
                bool named = false;
                foreach (XElement field in item.Elements())
                {
                    Json.Scalar(field, at + "." + Json.Key(field));
                    named |= Json.Key(field) == "event";
                }
                if (!named)
                {
                    throw new TraceFormatException(at, "missing key `event`");
                }
                events.Add(item);
                i++;
            }
            return events;
        }
    }

    /// <summary>JSON through the reader that ships with Mono and .NET (System.Runtime.Serialization.Json).</summary>
    public static class Json
    {
        /// <summary>Text written into JSON as it is.</summary>
        public sealed class Raw
        {
            /// <summary>Wraps JSON text.</summary>
            public Raw(string text)
            {
                Text = text;
            }

            /// <summary>The JSON text.</summary>
            public string Text { get; private set; }
        }

        /// <summary>Reads a document into the reader's XML form; refuses a key given twice in one object.</summary>
        /// <exception cref="TraceFormatException">Not JSON.</exception>
        public static XElement Read(byte[] bytes)
        {
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            XElement root;
            try
            {
                using (XmlDictionaryReader reader = JsonReaderWriterFactory.CreateJsonReader(
                    bytes, start, bytes.Length - start, XmlDictionaryReaderQuotas.Max))
                {
                    root = XElement.Load(reader);
                }
            }
            catch (Exception e) when (e is XmlException || e is System.Runtime.Serialization.SerializationException
                || e is InvalidOperationException || e is ArgumentException || e is FormatException)
            {
                throw new TraceFormatException("", "not valid JSON: " + e.Message);
            }
            CheckDuplicates(root, "");
            return root;
        }

        private static void CheckDuplicates(XElement element, string path)
        {
            bool isObject = Type(element) == "object";
            var seen = new HashSet<string>();
            int i = 0;
            foreach (XElement child in element.Elements())
            {
                string key = Key(child);
                string at = isObject ? (path.Length == 0 ? key : path + "." + key) : path + "[" + i + "]";
                if (isObject && !seen.Add(key))
                {
                    throw new TraceFormatException(at, "key given twice");
                }
                CheckDuplicates(child, at);
                i++;
            }
        }

        /// <summary>The key of an object member (keys that are not XML names are kept in an attribute).</summary>
        public static string Key(XElement member)
        {
            XAttribute item = member.Attribute("item");
            return item != null && member.Name.LocalName == "item" ? item.Value : member.Name.LocalName;
        }

        /// <summary>The JSON type of an element: object, array, string, number, boolean or null.</summary>
        public static string Type(XElement element)
        {
            XAttribute type = element.Attribute("type");
            return type == null ? "string" : type.Value;
        }

        /// <summary>Refuses an element of another type.</summary>
        public static void Expect(XElement element, string type, string path)
        {
            string found = Type(element);
            if (found != type)
            {
                throw new TraceFormatException(path, "expected " + Article(type) + ", found " + Article(found));
            }
        }

        private static string Article(string type)
        {
            return type == "null" ? "null" : (type == "array" || type == "object" ? "an " : "a ") + type;
        }

        /// <summary>A string, boolean, number or null as a .NET value.</summary>
        public static object Scalar(XElement element, string path)
        {
            switch (Type(element))
            {
                case "string":
                    return element.Value;
                case "boolean":
                    return element.Value == "true";
                case "number":
                    double number;
                    if (double.TryParse(element.Value, System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out number))
                    {
                        return number;
                    }
                    throw new TraceFormatException(path, "not a number: " + element.Value);
                case "null":
                    return null;
                default:
                    throw new TraceFormatException(path, "expected a string, boolean, number or null");
            }
        }

        /// <summary>Whether a JSON scalar equals a .NET value.</summary>
        public static bool Equal(XElement element, object value)
        {
            object scalar;
            try
            {
                scalar = Scalar(element, "");
            }
            catch (TraceFormatException)
            {
                return false;
            }
            return scalar == null ? value == null : scalar.Equals(value);
        }

        /// <summary>An element as compact JSON.</summary>
        public static string Write(XElement element)
        {
            var text = new StringBuilder();
            Write(element, text);
            return text.ToString();
        }

        private static void Write(XElement element, StringBuilder text)
        {
            switch (Type(element))
            {
                case "object":
                    text.Append('{');
                    bool first = true;
                    foreach (XElement member in element.Elements())
                    {
                        if (!first)
                        {
                            text.Append(',');
                        }
                        first = false;
                        text.Append(String(Key(member))).Append(':');
                        Write(member, text);
                    }
                    text.Append('}');
                    break;
                case "array":
                    text.Append('[');
                    bool firstItem = true;
                    foreach (XElement item in element.Elements())
                    {
                        if (!firstItem)
                        {
                            text.Append(',');
                        }
                        firstItem = false;
                        Write(item, text);
                    }
                    text.Append(']');
                    break;
                case "string":
                    text.Append(String(element.Value));
                    break;
                case "null":
                    text.Append("null");
                    break;
                default:
                    text.Append(element.Value);
                    break;
            }
        }

        /// <summary>An object of fields as compact JSON.</summary>
        public static string Object(IEnumerable<KeyValuePair<string, object>> fields)
        {
            return "{" + string.Join(",", fields.Select(f => String(f.Key) + ":" + Value(f.Value))) + "}";
        }

        private static string Value(object value)
        {
            if (value == null)
            {
                return "null";
            }
            if (value is bool)
            {
                return (bool)value ? "true" : "false";
            }
            var raw = value as Raw;
            if (raw != null)
            {
                return raw.Text;
            }
            if (value is double)
            {
                return ((double)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }
            return String(value.ToString());
        }

        /// <summary>A JSON string literal.</summary>
        public static string String(string value)
        {
            var text = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"':
                        text.Append("\\\"");
                        break;
                    case '\\':
                        text.Append("\\\\");
                        break;
                    case '\n':
                        text.Append("\\n");
                        break;
                    case '\r':
                        text.Append("\\r");
                        break;
                    case '\t':
                        text.Append("\\t");
                        break;
                    default:
                        if (c < ' ')
                        {
                            text.Append("\\u").Append(((int)c).ToString("x4"));
                        }
                        else
                        {
                            text.Append(c);
                        }
                        break;
                }
            }
            return text.Append('"').ToString();
        }
    }
}
