"""The same CartoonGAN training step in PyTorch's Python API, the peer of cel-bench
train-step: generator (reflection padding, batch norm), the paper's patch discriminator,
VGG19 features[:26] (frozen) for the content loss (weight 10), logistic adversarial
losses, Adam (2e-4, betas 0.5/0.999); a discriminator step, then a generator step with the
discriminator's parameters frozen (requires_grad_(False)), as careful GAN code writes it, so
its weight gradients are not computed only to be dropped.

    python3 train_reference.py [BATCH] [SIZE] [STEPS] [THREADS] [DEVICE]

DEVICE is cpu (the default) or cuda; on cuda the timing waits for the GPU's work.
"""
import os
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cartoongan_torch import Discriminator, Generator  # noqa: E402

batch, size, steps = (int(a) for a in (sys.argv[1:4] + ["4", "256", "2"][len(sys.argv[1:4]):]))
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count())

device = torch.device(sys.argv[5] if len(sys.argv) > 5 else "cpu")
torch.backends.cudnn.benchmark = True
generator, discriminator = Generator().to(device), Discriminator().to(device)
vgg = torchvision.models.vgg19().features[:26].to(device)
for p in vgg.parameters():
    p.requires_grad_(False)
mean = torch.tensor([0.485, 0.456, 0.406], device=device).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225], device=device).view(1, 3, 1, 1)
features = lambda x: vgg(((x + 1) / 2 - mean) / std)
g_opt = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
d_opt = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
photos, styles, smoothed = (torch.rand(batch, 3, size, size, device=device) * 2 - 1 for _ in range(3))


def logistic(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def step():
    d_opt.zero_grad()
    generated = generator(photos)
    d_loss = (logistic(discriminator(styles), 1) + logistic(discriminator(smoothed), 0)
              + logistic(discriminator(generated.detach()), 0))
    d_loss.backward()
    d_opt.step()
    g_opt.zero_grad()
    discriminator.requires_grad_(False)
    g_loss = logistic(discriminator(generated), 1) + 10 * F.l1_loss(features(generated), features(photos).detach())
    g_loss.backward()
    discriminator.requires_grad_(True)
    g_opt.step()


def synchronize():
    if device.type == "cuda":
        torch.cuda.synchronize()


step()
synchronize()
start = time.perf_counter()
for _ in range(steps):
    step()
synchronize()
print("seconds-per-step %.3f" % ((time.perf_counter() - start) / steps))
