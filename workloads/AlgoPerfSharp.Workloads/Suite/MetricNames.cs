namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>Names of the metrics the workloads report (without the split prefix).</summary>
public static class MetricNames
{
    /// <summary>Mean cross-entropy (nats per example, or per byte/token for language models).</summary>
    public const string Loss = "loss";

    /// <summary>Fraction of examples classified correctly.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>1 − accuracy.</summary>
    public const string ErrorRate = "error_rate";

    /// <summary>Cross-entropy in bits per byte (loss / ln 2) for byte-level language models.</summary>
    public const string BitsPerByte = "bits_per_byte";

    /// <summary>Cross-entropy in bits per token (loss / ln 2) for language models over a token vocabulary.</summary>
    public const string BitsPerToken = "bits_per_token";

    /// <summary>exp(loss).</summary>
    public const string Perplexity = "perplexity";
}
