"""A small state dict saved by torch.save, as torchvision saves its weights.

    python3 small_state_dict.py OUT.pth
"""
import sys
from collections import OrderedDict

import torch

torch.manual_seed(3)
torch.save(OrderedDict([("features.0.weight", torch.randn(4, 3, 3, 3)),
                        ("features.0.bias", torch.randn(4)),
                        ("classifier.weight", torch.randn(2, 8))]), sys.argv[1])
