using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// What the algorithm asked of the steps' oracles since the last eval, reported with each eval row's diagnostics as
/// per-step means: <c>oracle/gradient_evaluations</c> (backward passes over a step's data), <c>oracle/loss_evaluations</c>
/// (forward-only passes), <c>oracle/hessian_vector_products</c> (each a forward and two backward passes; only in rows
/// whose steps asked for one, so the rows of the many algorithms that never do are unchanged) and
/// <c>oracle/examples</c> (training examples drawn). A plain step is 1, 0, (absent) and the batch size.
/// </summary>
internal sealed class OracleSpending
{
    private long _steps, _gradients, _losses, _hessianVectorProducts, _examples;

    /// <summary>Adds one finished step.</summary>
    public void Add(StepContext step)
    {
        _steps++;
        _gradients += step.GradientEvaluations;
        _losses += step.LossEvaluations;
        _hessianVectorProducts += step.HessianVectorProducts;
        _examples += step.ExamplesDrawn;
    }

    /// <summary>Writes the means since the last report into <paramref name="diagnostics"/> and starts over (no steps: nothing).</summary>
    public void Report(IDictionary<string, double> diagnostics)
    {
        if (_steps == 0) return;
        diagnostics["oracle/gradient_evaluations"] = (double)_gradients / _steps;
        diagnostics["oracle/loss_evaluations"] = (double)_losses / _steps;
        if (_hessianVectorProducts > 0) diagnostics["oracle/hessian_vector_products"] = (double)_hessianVectorProducts / _steps;
        diagnostics["oracle/examples"] = (double)_examples / _steps;
        _steps = _gradients = _losses = _hessianVectorProducts = _examples = 0;
    }
}
