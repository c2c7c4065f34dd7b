using System.Collections.Immutable;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// The one list of map methods, in the order their maps are drawn, written and shown: CLIP Surgery, plain CLIP,
/// single-label Surgery, then the training-free dense methods (<see cref="DenseMethod.All"/>). Everything that names a method (the CLI's <c>--modes</c>, run settings, pages) asks here, so a
/// new method is one class and one line in <see cref="All"/> (or a <see cref="Register"/> call).
/// </summary>
public static class MapMethods
{
    private static readonly Lock Gate = new();
    private static ImmutableList<IMapMethod> registered = [new SurgeryMethod(), new PlainMethod(), new SingleLabelMethod(), .. DenseMethod.All];

    /// <summary>Every registered method, in drawing order.</summary>
    public static IReadOnlyList<IMapMethod> All => registered;

    /// <summary>What a run that names no method draws (<see cref="IMapMethod.InDefaultSet"/>), in drawing order.</summary>
    public static IReadOnlyList<MapMethod> Defaults => registered.Where(m => m.InDefaultSet).Select(m => m.Method).ToList();

    /// <summary>The names, for messages: "cs, plain, single".</summary>
    public static string Names => string.Join(", ", registered.Select(m => m.Method.Name));

    /// <summary>The method called <paramref name="word"/> (its name or an alias, any case), or null.</summary>
    public static IMapMethod? Find(string? word)
    {
        if (string.IsNullOrWhiteSpace(word))
            return null;
        var key = word.Trim();
        return registered.FirstOrDefault(m => string.Equals(m.Method.Name, key, StringComparison.OrdinalIgnoreCase)
            || m.Aliases.Any(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The registered method; refused with the known names when there is none.</summary>
    public static IMapMethod Get(MapMethod method) =>
        Find(method.Name) ?? throw new EngineInputException("modes", $"'{method.Name}' is not one of {Names}");

    /// <summary>Where a method's maps come in drawing order (unknown ones last).</summary>
    public static int Order(MapMethod method)
    {
        var index = registered.FindIndex(m => m.Method == method);
        return index < 0 ? int.MaxValue : index;
    }

    /// <summary>Words (names or aliases) → methods, each once, in drawing order; refuses an unknown word or none.</summary>
    public static IReadOnlyList<MapMethod> Parse(IEnumerable<string> words)
    {
        var methods = new List<MapMethod>();
        foreach (var word in words.Select(w => w.Trim()).Where(w => w.Length > 0))
            methods.Add((Find(word) ?? throw new EngineInputException("modes", $"'{word}' is not one of {Names}")).Method);
        return methods.Count == 0
            ? throw new EngineInputException("modes", $"no mode given (use {Names})")
            : methods.Distinct().OrderBy(Order).ToList();
    }

    /// <summary>A comma-separated list, as the CLI's <c>--modes</c> takes it.</summary>
    public static IReadOnlyList<MapMethod> Parse(string text) => Parse(text.Split(','));

    /// <summary>
    /// Adds a method after the built-in ones (a plug-in, a test); disposing the result removes it again. Its name must
    /// be new: names are what files, settings and the database hold.
    /// </summary>
    public static IDisposable Register(IMapMethod method)
    {
        lock (Gate)
        {
            if (Find(method.Method.Name) is not null || method.Aliases.Any(a => Find(a) is not null))
                throw new ArgumentException($"a map method called '{method.Method.Name}' is registered already", nameof(method));
            registered = registered.Add(method);
        }
        return new Registration(method);
    }

    private sealed class Registration(IMapMethod method) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
                registered = registered.Remove(method);
        }
    }
}
