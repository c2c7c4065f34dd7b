namespace ClipSurgeryWeb.Engine.Text;

/// <summary>
/// The 85 prompt templates of CLIP's ImageNet prompt ensemble, in the order CLIP Surgery's
/// <c>encode_text_with_prompt_ensemble</c> uses them (<c>{0}</c> stands for the label). The order matters only for
/// float rounding of the mean; tests check the list against the reference's.
/// </summary>
public static class PromptTemplates
{
    public static IReadOnlyList<string> Default { get; } =
    [
        "a bad photo of a {0}.",
        "a photo of many {0}.",
        "a sculpture of a {0}.",
        "a photo of the hard to see {0}.",
        "a low resolution photo of the {0}.",
        "a rendering of a {0}.",
        "graffiti of a {0}.",
        "a bad photo of the {0}.",
        "a cropped photo of the {0}.",
        "a tattoo of a {0}.",
        "the embroidered {0}.",
        "a photo of a hard to see {0}.",
        "a bright photo of a {0}.",
        "a photo of a clean {0}.",
        "a photo of a dirty {0}.",
        "a dark photo of the {0}.",
        "a drawing of a {0}.",
        "a photo of my {0}.",
        "the plastic {0}.",
        "a photo of the cool {0}.",
        "a close-up photo of a {0}.",
        "a black and white photo of the {0}.",
        "a painting of the {0}.",
        "a painting of a {0}.",
        "a pixelated photo of the {0}.",
        "a sculpture of the {0}.",
        "a bright photo of the {0}.",
        "a cropped photo of a {0}.",
        "a plastic {0}.",
        "a photo of the dirty {0}.",
        "a jpeg corrupted photo of a {0}.",
        "a blurry photo of the {0}.",
        "a photo of the {0}.",
        "a good photo of the {0}.",
        "a rendering of the {0}.",
        "a {0} in a video game.",
        "a photo of one {0}.",
        "a doodle of a {0}.",
        "a close-up photo of the {0}.",
        "a photo of a {0}.",
        "the origami {0}.",
        "the {0} in a video game.",
        "a sketch of a {0}.",
        "a doodle of the {0}.",
        "a origami {0}.",
        "a low resolution photo of a {0}.",
        "the toy {0}.",
        "a rendition of the {0}.",
        "a photo of the clean {0}.",
        "a photo of a large {0}.",
        "a rendition of a {0}.",
        "a photo of a nice {0}.",
        "a photo of a weird {0}.",
        "a blurry photo of a {0}.",
        "a cartoon {0}.",
        "art of a {0}.",
        "a sketch of the {0}.",
        "a embroidered {0}.",
        "a pixelated photo of a {0}.",
        "itap of the {0}.",
        "a jpeg corrupted photo of the {0}.",
        "a good photo of a {0}.",
        "a plushie {0}.",
        "a photo of the nice {0}.",
        "a photo of the small {0}.",
        "a photo of the weird {0}.",
        "the cartoon {0}.",
        "art of the {0}.",
        "a drawing of the {0}.",
        "a photo of the large {0}.",
        "a black and white photo of a {0}.",
        "the plushie {0}.",
        "a dark photo of a {0}.",
        "itap of a {0}.",
        "graffiti of the {0}.",
        "a toy {0}.",
        "itap of my {0}.",
        "a photo of a cool {0}.",
        "a photo of a small {0}.",
        "a tattoo of the {0}.",
        "there is a {0} in the scene.",
        "there is the {0} in the scene.",
        "this is a {0} in the scene.",
        "this is the {0} in the scene.",
        "this is one {0} in the scene.",
    ];

    /// <summary>
    /// The 80 templates the training-free dense methods (NACLIP, SCLIP, ClearCLIP) use: CLIP's ImageNet list, i.e.
    /// <see cref="Default"/> without CLIP Surgery's five "… in the scene." additions at its end (the methods' goldens
    /// carry the list; tests check it).
    /// </summary>
    public static IReadOnlyList<string> Methods { get; } = [.. Default.Take(80)];

    public static string Apply(string template, string label) => string.Format(System.Globalization.CultureInfo.InvariantCulture, template, label);
}
