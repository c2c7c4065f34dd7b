namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// CLIP's own zero-shot verdict on one label for a whole image: <paramref name="Similarity"/> is the cosine of the
/// image embedding and the label's (prompt-ensembled) text feature, <paramref name="Probability"/> the softmax over the
/// run's label set of the model's logit scale times those cosines (as CLIP classifies).
/// </summary>
public sealed record LabelScore(string Label, float Probability, float Similarity);
