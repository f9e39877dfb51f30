"""Adam on one tensor of pixels, without ``torch.optim``.

``torch.optim.Optimizer.__init__`` imports ``torch._dynamo`` (and sympy) on first use: about a thousand
modules, a second of work that holds the GIL in long stretches and stalls the UI thread by up to 200 ms
while a stylization starts. The update below is the same as ``torch.optim.Adam``'s (no weight decay,
no amsgrad).

Print sizes: the update runs in chunks, so it makes no temporary the size of the image (at 6000 px one is
287 MB), and the two moments can be kept in bfloat16 (``state_dtype``), half the memory. Each chunk is
computed in float32 and rounded once when stored; a print-size scale runs a dozen steps (Draft) to a few
dozen, over which bfloat16's 8-bit mantissa keeps the second moment to about 0.4 % (each step adds at least
1/steps of it), while the parameter itself stays float32.
"""

from __future__ import annotations

from typing import Any

_CHUNK = 1 << 22  # elements per chunk of the update: 16 MB in float32, small next to a tile's activations


class PixelAdam:
    def __init__(
        self,
        param: Any,
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        state_dtype: Any = None,
    ) -> None:
        import torch

        self.param = param
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self._m = torch.zeros_like(param, dtype=state_dtype)
        self._v = torch.zeros_like(param, dtype=state_dtype)

    def zero_grad(self) -> None:
        self.param.grad = None

    def step(self, grad: Any = None) -> None:
        """One update with ``grad`` (default: ``param.grad``), e.g. a gradient added up over tiles."""
        import torch

        grad = self.param.grad if grad is None else grad
        if grad is None:
            return
        self.steps += 1
        bias1 = 1.0 - self.beta1**self.steps
        bias2 = 1.0 - self.beta2**self.steps
        if self.param.is_contiguous() and self._m.is_contiguous() and grad.is_contiguous():
            p, m_all, v_all, g_all = self.param.view(-1), self._m.view(-1), self._v.view(-1), grad.view(-1)
            chunks = [slice(start, start + _CHUNK) for start in range(0, p.numel(), _CHUNK)]
        else:  # e.g. a channels-last image (small scales): one chunk, the tensors as they are
            p, m_all, v_all, g_all = self.param, self._m, self._v, grad
            chunks = [slice(None)]
        with torch.no_grad():
            for sl in chunks:
                g = g_all[sl].float()
                m = m_all[sl].float().mul_(self.beta1).add_(g, alpha=1.0 - self.beta1)
                v = v_all[sl].float().mul_(self.beta2).addcmul_(g, g, value=1.0 - self.beta2)
                if m_all.dtype != torch.float32:  # stored rounded; the step uses the float32 values
                    m_all[sl].copy_(m)
                    v_all[sl].copy_(v)
                denom = (v / bias2).sqrt_().add_(self.eps)
                p[sl].addcdiv_(m, denom, value=-self.lr / bias1)
