"""The generator cel-train trains (batch norm, evaluation mode) in PyTorch's Python API, the
peer of `cel-apply --model` on a trained checkpoint.

    python3 trained_generator_reference.py export WEIGHTS.safetensors PHOTO.png PHOTO.npy [instance]
        Seeded weights (and batch-norm statistics) as a Celshade checkpoint file, and the
        photo as the network's input (RGB, [-1, 1], NCHW); instance norm when asked.
    python3 trained_generator_reference.py forward WEIGHTS.safetensors PHOTO.npy THREADS [OUT.png]
        One forward pass over the whole picture; prints "seconds-forward S" and writes the
        cartoon as a PNG if asked.
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cartoongan_torch import Generator, load_safetensors, save_safetensors  # noqa: E402


def export(weights, photo, npy, norm="batch"):
    import cv2
    import numpy as np
    torch.manual_seed(5)
    batch = norm == "batch"
    generator = Generator(batch=batch)
    with torch.no_grad():
        for name, tensor in generator.state_dict().items():
            if name.endswith("running_mean"):
                tensor.uniform_(-0.1, 0.1)
            elif name.endswith("running_var"):
                tensor.uniform_(0.5, 1.5)
            elif not batch and name.endswith(".bias") and tensor.dim() == 1:
                tensor.normal_(0, 0.1)
    save_safetensors(weights, {"g." + k: v for k, v in generator.state_dict().items()},
                     {"celshade.generator": "celshade-%s-norm" % norm})
    rgb = cv2.imread(photo)[:, :, ::-1].astype(np.float32) / 127.5 - 1
    np.save(npy, rgb.transpose(2, 0, 1)[None].copy())


def forward(weights, npy, threads, png=None):
    import numpy as np
    torch.set_num_threads(threads)
    state = {k[2:]: v for k, v in load_safetensors(weights).items() if k.startswith("g.")}
    generator = Generator(batch="body.1.running_mean" in state)
    generator.load_state_dict(state)
    generator.eval()
    photo = torch.from_numpy(np.load(npy))
    with torch.inference_mode():
        start = time.perf_counter()
        cartoon = generator(photo)
        print("seconds-forward %.3f" % (time.perf_counter() - start))
    if png:
        import cv2
        rgb = ((cartoon[0].numpy().transpose(1, 2, 0) + 1) * 127.5).round().clip(0, 255)
        cv2.imwrite(png, rgb[:, :, ::-1].astype(np.uint8))


if sys.argv[1] == "export":
    export(*sys.argv[2:6])
else:
    forward(sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:6])
