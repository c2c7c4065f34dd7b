namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>The files of an image's folder that are not pictures of one target (<see cref="FileWritten"/>).</summary>
public enum OutputKind
{
    /// <summary><c>maps.safetensors</c>: every map drawn, and single-label maps' points.</summary>
    Maps,

    /// <summary><c>masks.safetensors</c>: every target's mask, points and score.</summary>
    Masks,

    /// <summary><c>tokens.csv</c>: the opinion's tokens and their counts.</summary>
    Tokens,

    /// <summary><c>words.txt</c>: every word the opinion saw.</summary>
    Words,

    /// <summary><c>opinion.json</c>: where the opinion came from and how to reproduce it.</summary>
    OpinionInfo,

    /// <summary><c>scores.json</c>: CLIP's zero-shot ranking of the labels for the whole image.</summary>
    Scores,

    /// <summary><c>settings.json</c>: what the run was asked to do (in a run's zip).</summary>
    Settings,

    /// <summary><c>labels.safetensors</c>: each method's label map (<c>&lt;method&gt;.pred</c>) and class probabilities (<c>&lt;method&gt;.probs</c>).</summary>
    Labels,
}
