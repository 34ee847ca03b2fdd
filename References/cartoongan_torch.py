"""CartoonGAN as cel-train builds it, in PyTorch's Python API on Debian's python3-torch: the
peer the benchmarks measure Celshade against. Module names match Celshade's checkpoints
(after their "g." and "d." prefixes), so weights move between the two unchanged.
"""
import torch.nn as nn
import torch.nn.functional as F


def conv(i, o, k, s=1, reflect=True):
    return nn.Conv2d(i, o, k, s, k // 2, padding_mode="reflect" if reflect else "zeros")


def norm(channels, batch):
    return nn.BatchNorm2d(channels) if batch else nn.InstanceNorm2d(channels, affine=True)


class Residual(nn.Module):
    def __init__(self, c, batch):
        super().__init__()
        self.conv1, self.norm1 = conv(c, c, 3), norm(c, batch)
        self.conv2, self.norm2 = conv(c, c, 3), norm(c, batch)

    def forward(self, x):
        return self.norm2(self.conv2(F.relu(self.norm1(self.conv1(x))))) + x


def up(i, o):
    return nn.ConvTranspose2d(i, o, 3, 2, 1, 1)


class Generator(nn.Module):
    def __init__(self, batch=True):
        super().__init__()
        self.body = nn.Sequential(
            conv(3, 64, 7), norm(64, batch), nn.ReLU(),
            conv(64, 128, 3, 2), conv(128, 128, 3), norm(128, batch), nn.ReLU(),
            conv(128, 256, 3, 2), conv(256, 256, 3), norm(256, batch), nn.ReLU(),
            *[Residual(256, batch) for _ in range(8)],
            up(256, 128), conv(128, 128, 3), norm(128, batch), nn.ReLU(),
            up(128, 64), conv(64, 64, 3), norm(64, batch), nn.ReLU(),
            conv(64, 3, 7), nn.Tanh())

    def forward(self, x):
        return self.body(x)


class Discriminator(nn.Module):
    def __init__(self, batch=True):
        super().__init__()
        leaky = lambda: nn.LeakyReLU(0.2)
        self.body = nn.Sequential(
            conv(3, 32, 3, 1, False), leaky(), conv(32, 64, 3, 2, False), leaky(),
            conv(64, 128, 3, 1, False), norm(128, batch), leaky(),
            conv(128, 128, 3, 2, False), leaky(), conv(128, 256, 3, 1, False), norm(256, batch), leaky(),
            conv(256, 256, 3, 1, False), norm(256, batch), leaky(), conv(256, 1, 3, 1, False))

    def forward(self, x):
        return self.body(x)


def save_safetensors(path, tensors, metadata):
    """Float32 tensors in the safetensors layout: an 8-byte header length, a JSON header,
    the raw little-endian data."""
    import json
    import struct
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().float().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode()
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def load_safetensors(path):
    import json
    import struct
    import numpy as np
    import torch
    with open(path, "rb") as file:
        length = struct.unpack("<Q", file.read(8))[0]
        header = json.loads(file.read(length))
        data = file.read()
    header.pop("__metadata__", None)
    return {name: torch.from_numpy(np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]],
                                                 dtype=np.float32).reshape(e["shape"]).copy())
            for name, e in header.items()}
