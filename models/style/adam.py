"""Adam on one tensor of pixels, without ``torch.optim``.

``torch.optim.Optimizer.__init__`` imports ``torch._dynamo`` (and sympy) on first use: about a thousand
modules, a second of work that holds the GIL in long stretches and stalls the UI thread by up to 200 ms
while a stylization starts. The update below is the same as ``torch.optim.Adam``'s (no weight decay,
no amsgrad).
"""

from __future__ import annotations

from typing import Any


class PixelAdam:
    def __init__(
        self, param: Any, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        import torch

        self.param = param
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self._m = torch.zeros_like(param)
        self._v = torch.zeros_like(param)

    def zero_grad(self) -> None:
        self.param.grad = None

    def step(self, grad: Any = None) -> None:
        """One update with ``grad`` (default: ``param.grad``), e.g. a gradient added up over tiles."""
        import torch

        grad = self.param.grad if grad is None else grad
        if grad is None:
            return
        self.steps += 1
        with torch.no_grad():
            self._m.mul_(self.beta1).add_(grad, alpha=1.0 - self.beta1)
            self._v.mul_(self.beta2).addcmul_(grad, grad, value=1.0 - self.beta2)
            bias1 = 1.0 - self.beta1**self.steps
            bias2 = 1.0 - self.beta2**self.steps
            denom = (self._v / bias2).sqrt_().add_(self.eps)
            self.param.addcdiv_(self._m, denom, value=-self.lr / bias1)
