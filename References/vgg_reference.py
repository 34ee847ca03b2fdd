"""Writes a torchvision VGG19 state dict (random weights, seeded) with torch.save, and the
conv4_4 activations (features[:26], before the ReLU) of a seeded input after ImageNet
normalisation, for the parity test of Celshade's VGG loader and features; and the same
activations computed in float64, which float32's rounding is measured against.

    python3 vgg_reference.py STATE.pth INPUT.npy OUTPUT.npy EXACT.npy
"""
import sys

import numpy as np
import torch
import torchvision

torch.manual_seed(0)
model = torchvision.models.vgg19()
torch.save(model.state_dict(), sys.argv[1])
images = torch.rand(2, 3, 48, 64) * 2 - 1  # RGB in [-1, 1]
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
with torch.no_grad():
    features = model.features[:26](((images + 1) / 2 - mean) / std)
    exact = model.features[:26].double()(((images.double() + 1) / 2 - mean) / std)
np.save(sys.argv[2], images.numpy())
np.save(sys.argv[3], features.numpy())
np.save(sys.argv[4], exact.float().numpy())
