namespace ClipSurgeryWeb.Engine.Tests.Pipeline;

/// <summary>Tests that register a map method run alone: the registry is process-wide, and runall draws every registered method.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegistryChanges
{
    public const string Name = "map method registry changes";
}
