"""The synthetic step oracle of the optimizer-step comparison (`benchmarks --compare-pytorch`) and of its `--check`
trajectories: the Python twin of benchmarks/AlgoPerfSharp.Benchmarks/SyntheticOracle.cs, with the same rules, the
same inputs and the same copies, so that both sides time the update's own cost and no model's forward or backward.

A reference that asks for more than the gradient declares `oracle_calls` (a tuple of "sub_batches", "targets",
"hessian_vector_products") and takes the step's oracle: `opt.step(oracle)`. It calls the oracle where our built-in
calls its StepContext:

    loss_and_gradients()           the step's gradient G into every p.grad (nothing when p.grad already holds it, as
                                   after the bench's untimed reset); once a line-search trial (loss()) has moved the
                                   parameters in this step, the zero gradient instead (the trial landed on the synthetic
                                   loss's minimum along the line, which keeps L-BFGS's pairs well scaled). Returns 1.
    sub_batch_gradients(G)         copies of the G fixed group gradients (each group examples/G examples, loss 1);
                                   every p.grad becomes the groups' mean (a copy)
    loss_and_gradients_for_targets(fn)   fn(the fixed outputs); every p.grad becomes the fixed target gradient (a copy)
    hessian_vector_product(v)      D * v for the fixed diagonal D (Hutchinson's u * Hu is then exactly D for any +-1 u)
    loss()                         the step's first `rejected_trials` calls return 1e30, the rest -1e30 (an Armijo
                                   search backtracks that many times, then accepts)
    draw_more_data(n)              examples grow by n batches; nothing else changes

The bench's inputs (`generate`) come from one seeded generator per kind, as SyntheticOracleInputs.Generate: seed 18
the sub-batch gradients (per parameter, groups 0..G-1 in turn), 19 the target gradients, 20 the Hessian diagonals,
21 the outputs, all N(0, 1) float32.
"""
import collections

import torch

STEP_LOSS = 1.0
REJECTED_LOSS = 1e30
ACCEPTED_LOSS = -1e30

SubBatchGradients = collections.namedtuple("SubBatchGradients", "loss examples gradients")


class Inputs:
    """The fixed tensors, one per parameter unless said otherwise (None for a kind not asked for): groups[j][i] the
    sub-batch gradients, group_mean[i] their mean, target[i], hessian[i] (D), outputs (examples x classes)."""

    def __init__(self, groups=None, group_mean=None, target=None, hessian=None, outputs=None):
        self.groups, self.group_mean, self.target, self.hessian, self.outputs = groups, group_mean, target, hessian, outputs


def generate(params, calls, groups, examples, classes):
    """The bench's inputs for float32 `params` (the same values as SyntheticOracleInputs.Generate)."""
    inputs = Inputs()
    if "sub_batches" in calls:
        gen = torch.Generator().manual_seed(18)
        per_parameter = [[torch.randn(p.shape, generator=gen) for _ in range(groups)] for p in params]
        inputs.groups = [[gs[j] for gs in per_parameter] for j in range(groups)]
        inputs.group_mean = [torch.stack(gs).mean(0) for gs in per_parameter]
    if "targets" in calls:
        gen = torch.Generator().manual_seed(19)
        inputs.target = [torch.randn(p.shape, generator=gen) for p in params]
        inputs.outputs = torch.randn((examples, classes), generator=torch.Generator().manual_seed(21))
    if "hessian_vector_products" in calls:
        gen = torch.Generator().manual_seed(20)
        inputs.hessian = [torch.randn(p.shape, generator=gen) for p in params]
    return inputs


class SyntheticOracle:
    """The oracle of one step (see the module's docstring). `set_gradient()` writes G into every p.grad;
    `gradient_held` says p.grad already holds it."""

    def __init__(self, params, inputs, set_gradient, gradient_held, examples_per_batch, rejected_trials=0):
        self.params, self.inputs, self.set_gradient = params, inputs, set_gradient
        self.held = "step" if gradient_held else "other"
        self.per_batch = self.examples = examples_per_batch
        self.rejected_trials = rejected_trials
        self.trials = 0

    def loss_and_gradients(self):
        if self.trials == 0 and self.held != "step":
            self.set_gradient()
            self.held = "step"
        elif self.trials > 0 and self.held != "zero":
            with torch.no_grad():
                for p in self.params:
                    if p.grad is None:
                        p.grad = torch.zeros_like(p)
                    else:
                        p.grad.zero_()
            self.held = "zero"
        return STEP_LOSS

    def loss(self):
        trial = self.trials
        self.trials += 1
        return REJECTED_LOSS if trial < self.rejected_trials else ACCEPTED_LOSS

    def sub_batch_gradients(self, groups):
        if self.inputs.groups is None:
            raise NotImplementedError("synthetic oracle: not prepared for sub_batches (declare it in oracle_calls)")
        if groups != len(self.inputs.groups):
            raise NotImplementedError(f"synthetic oracle: it holds {len(self.inputs.groups)} sub-batch groups, not {groups}")
        if self.examples % groups != 0:
            raise NotImplementedError(f"{self.examples} examples do not split into {groups} equal groups")
        self._copy(self.inputs.group_mean)
        self.held = "other"
        return [SubBatchGradients(STEP_LOSS, self.examples // groups, [t.clone() for t in g]) for g in self.inputs.groups]

    def loss_and_gradients_for_targets(self, targets):
        if self.inputs.target is None:
            raise NotImplementedError("synthetic oracle: not prepared for targets (declare it in oracle_calls)")
        targets(self.inputs.outputs)
        self._copy(self.inputs.target)
        self.held = "other"
        return STEP_LOSS

    def hessian_vector_product(self, vector):
        if self.inputs.hessian is None:
            raise NotImplementedError("synthetic oracle: not prepared for hessian_vector_products (declare it in oracle_calls)")
        with torch.no_grad():
            return [d * v for d, v in zip(self.inputs.hessian, vector)]

    def draw_more_data(self, batches):
        self.examples += batches * self.per_batch
        return self.examples

    def _copy(self, source):
        with torch.no_grad():
            for p, s in zip(self.params, source):
                if p.grad is None:
                    p.grad = s.clone()
                else:
                    p.grad.copy_(s)
