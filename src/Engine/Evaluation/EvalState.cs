using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// An eval's <c>state.json</c>: what eval it is (<see cref="Settings"/> and their <see cref="Fingerprint"/>), when it
/// started, the images already scored and each method's summed areas over them. Rewritten whole (atomically) after
/// every image, so a killed eval continues from the last image it finished and never counts one twice.
/// </summary>
public sealed record EvalState(int Version, string Fingerprint, EvalStateSettings Settings, DateTimeOffset Started,
    IReadOnlyList<string> Done, IReadOnlyList<EvalState.MethodTotals> Methods)
{
    /// <summary>2: settings record each method's protocol (a version-1 state is another eval, refused unless restarted).</summary>
    public const int CurrentVersion = 2;

    /// <summary>One method's <see cref="ClassAreas"/> totals, by its name.</summary>
    public sealed record MethodTotals(string Method, IReadOnlyList<long> Intersect, IReadOnlyList<long> Union,
        IReadOnlyList<long> Predicted, IReadOnlyList<long> Label)
    {
        public static MethodTotals Of(string method, ClassAreas areas) => new(method, [.. areas.Intersect], [.. areas.Union], [.. areas.Predicted], [.. areas.Label]);

        public ClassAreas ToAreas() => new(Intersect, Union, Predicted, Label);
    }

    public static EvalState? ReadIfAny(string path) => File.Exists(path) ? JsonFile.Read<EvalState>(path) : null;

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonFile.Serialize(this));
}
