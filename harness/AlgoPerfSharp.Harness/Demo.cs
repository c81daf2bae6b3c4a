using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness;

/// <summary>Trains a 1→64→1 tanh MLP to fit sin(3x) with plain SGD, to show the engine end to end.</summary>
internal static class Demo
{
    public static int Run(TextWriter output)
    {
        output.WriteLine(TorchRuntime.Info().Summary);
        using var gen = new Generator(0);
        using var x = Tensor.Linspace(-1, 1, 256).Reshape(256, 1);   // (N, 1)
        using var y = (x * 3).Sin();                                  // (N, 1)
        using var w1 = (Tensor.RandN([1, 64], gen) * 1.0).RequiresGradInPlace();
        using var b1 = Tensor.Zeros([64]).RequiresGradInPlace();
        using var w2 = (Tensor.RandN([64, 1], gen) * 0.125).RequiresGradInPlace();
        using var b2 = Tensor.Zeros([1]).RequiresGradInPlace();
        Tensor[] parameters = [w1, b1, w2, b2];
        const double lr = 0.1;
        double first = double.NaN, last = double.NaN;
        for (int step = 0; step <= 2000; step++)
        {
            using var scope = new DisposeScope();
            var hidden = (x.MatMul(w1) + b1).Tanh();                  // (N, 64)
            var pred = hidden.MatMul(w2) + b2;                        // (N, 1)
            var loss = (pred - y).Square().Mean();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                foreach (var p in parameters)
                {
                    var g = p.Grad!;
                    p.AddInPlace(g, -lr);
                    g.ZeroInPlace();
                }
            }

            last = loss.ToDouble();
            if (step == 0) first = last;
            if (step % 250 == 0) output.WriteLine($"step {step,5}  loss {last:F6}");
        }

        output.WriteLine($"loss fell from {first:F4} to {last:F4} ({first / last:F1}x)");
        return last < first ? 0 : 1;
    }
}
