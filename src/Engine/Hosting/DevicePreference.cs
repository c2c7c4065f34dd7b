namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// Where tensors live, as asked for: <see cref="Auto"/> (CUDA when usable, else CPU, and the start-up line says why),
/// <see cref="Cpu"/>, or one CUDA GPU by its ordinal (<c>cuda</c> is <c>cuda:0</c>). The default value is
/// <see cref="Auto"/>. Spelled as the settings spell it: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.
/// </summary>
public readonly record struct DevicePreference
{
    private DevicePreference(DeviceKind kind, int index)
    {
        Kind = kind;
        Index = index;
    }

    public DeviceKind Kind { get; }

    /// <summary>The CUDA ordinal (0 for plain <c>cuda</c>); 0 for the other kinds.</summary>
    public int Index { get; }

    public static DevicePreference Auto => default;

    public static DevicePreference Cpu => new(DeviceKind.Cpu, 0);

    /// <summary>The first GPU, <c>cuda:0</c>.</summary>
    public static DevicePreference Cuda => new(DeviceKind.Cuda, 0);

    public static DevicePreference CudaAt(int index) => index >= 0
        ? new(DeviceKind.Cuda, index)
        : throw new EngineInputException("device", $"cuda:{index} is not a GPU number (0, 1, …)");

    /// <summary><c>auto</c>, <c>cpu</c>, <c>cuda</c> (or <c>gpu</c>), <c>cuda:N</c>; case and surrounding spaces do not matter.</summary>
    public static DevicePreference Parse(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        switch (text)
        {
            case "auto":
                return Auto;
            case "cpu":
                return Cpu;
            case "cuda" or "gpu":
                return Cuda;
        }
        var colon = text.IndexOf(':');
        if (colon > 0 && text[..colon] is "cuda" or "gpu")
        {
            var number = text[(colon + 1)..];
            if (number.Length > 0 && number.Length <= 4 && number.All(char.IsAsciiDigit))
                return CudaAt(int.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
            throw new EngineInputException("device", $"'{value}': the part after 'cuda:' must be a GPU number (0, 1, …)");
        }
        throw new EngineInputException("device", $"'{value}' is not one of auto, cpu, cuda, cuda:N");
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => "auto",
    };
}
