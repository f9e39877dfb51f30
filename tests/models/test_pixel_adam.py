import torch

from models.style.adam import PixelAdam


def test_pixel_adam_matches_torch_adam():
    torch.manual_seed(0)
    a = torch.randn(3, 8, 8, requires_grad=True)
    b = a.detach().clone().requires_grad_(True)
    reference, ours = torch.optim.Adam([a], lr=0.05), PixelAdam(b, lr=0.05)
    for _ in range(25):
        for p, opt in ((a, reference), (b, ours)):
            opt.zero_grad()
            (p**3).sin().sum().backward()
            opt.step()
    assert torch.allclose(a, b, atol=1e-5)
    assert not torch.equal(b, a.new_zeros(()))


def test_step_without_grad_is_a_no_op():
    x = torch.ones(2, requires_grad=True)
    PixelAdam(x, lr=1.0).step()
    assert torch.equal(x, torch.ones(2))
