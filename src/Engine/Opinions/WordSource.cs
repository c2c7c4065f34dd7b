namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>Where a word was seen: the image and the model that produced it.</summary>
public sealed record WordSource(string Image, string Model);
