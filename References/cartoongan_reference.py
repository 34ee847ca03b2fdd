"""An independent forward pass of the published CartoonGAN generator, in PyTorch's Python API.

    python3 cartoongan_reference.py WEIGHTS_FOLDER INPUT.npy OUTPUT.npy [THREADS [PRECISION]]

Built from the layout in shared/pretrained/README.md: one .npy per tensor; reflection
padding before every ordinary convolution (3 for 7x7, 1 for 3x3) and none of its own;
transposed convolutions with padding 1 and output padding 1; instance norm
(x - mean) / (std + 1e-9) * scale + shift with the population standard deviation; ReLU
after every norm but the second of a residual block; tanh at the end. INPUT.npy holds a
float32 NCHW batch in [-1, 1]; OUTPUT.npy receives the generator's output. PRECISION is
float32 (the default, as Celshade computes) or float64, the exact picture float32's
rounding is measured against.
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


class Generator(torch.nn.Module):
    def __init__(self, folder):
        super().__init__()
        self.w = {}
        for name in os.listdir(folder):
            if name.endswith(".npy"):
                self.w[name[:-4]] = torch.from_numpy(np.load(os.path.join(folder, name)))

    def conv(self, x, name, stride=1):
        weight = self.w[name + ".weight"]
        pad = weight.shape[2] // 2
        return F.conv2d(F.pad(x, (pad, pad, pad, pad), mode="reflect"), weight,
                        self.w[name + ".bias"], stride=stride)

    def deconv(self, x, name):
        return F.conv_transpose2d(x, self.w[name + ".weight"], self.w[name + ".bias"],
                                  stride=2, padding=1, output_padding=1)

    def norm(self, x, name):
        mean = x.mean(dim=(2, 3), keepdim=True)
        std = x.var(dim=(2, 3), unbiased=False, keepdim=True).sqrt()
        scale = self.w[name + ".scale"].view(1, -1, 1, 1)
        shift = self.w[name + ".shift"].view(1, -1, 1, 1)
        return (x - mean) / (std + 1e-9) * scale + shift

    def forward(self, x):
        x = F.relu(self.norm(self.conv(x, "conv01_1"), "in01_1"))
        x = F.relu(self.norm(self.conv(self.conv(x, "conv02_1", 2), "conv02_2"), "in02_1"))
        x = F.relu(self.norm(self.conv(self.conv(x, "conv03_1", 2), "conv03_2"), "in03_1"))
        for block in range(4, 12):
            i = "%02d" % block
            y = F.relu(self.norm(self.conv(x, "conv%s_1" % i), "in%s_1" % i))
            x = self.norm(self.conv(y, "conv%s_2" % i), "in%s_2" % i) + x
        x = F.relu(self.norm(self.conv(self.deconv(x, "deconv01_1"), "deconv01_2"), "in12_1"))
        x = F.relu(self.norm(self.conv(self.deconv(x, "deconv02_1"), "deconv02_2"), "in13_1"))
        return torch.tanh(self.conv(x, "deconv03_1"))


if __name__ == "__main__":
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count())
    dtype = getattr(torch, sys.argv[5]) if len(sys.argv) > 5 else torch.float32
    generator = Generator(sys.argv[1])
    generator.w = {name: tensor.to(dtype) for name, tensor in generator.w.items()}
    batch = torch.from_numpy(np.load(sys.argv[2])).to(dtype)
    start = time.perf_counter()
    with torch.inference_mode():
        output = generator(batch)
    print("seconds %.3f" % (time.perf_counter() - start))
    np.save(sys.argv[3], output.float().numpy())
