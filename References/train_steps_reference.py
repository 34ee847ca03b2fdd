"""CartoonGAN training steps as a careful PyTorch user writes them, from a state Celshade
hands over, for the step-for-step parity test of cel-train.

    python3 train_steps_reference.py STATE.safetensors BATCHES.safetensors OUT_FOLDER NORM STEPS \
        [--threads N] [--follow FOLDER] [--nudge] [--mutation NAME] [--device cpu|cuda]

STATE holds the generator ("g."), the discriminator ("d."), their batch-norm statistics and
Adam's moments ("adam.g.NAME.exp_avg", ...), named as cel-train's checkpoints name them, and
VGG19's convolutions ("vgg.features.N.weight", ...); its metadata holds Adam's step counts
("generator_steps", "discriminator_steps"). BATCHES holds "photos.K", "styles.K" and
"smoothed.K" for every step K. NORM is batch or instance. STEPS is a comma-separated list of
"init:LR" or "adversarial:LR". The networks are the ones in cartoongan_torch.py beside it;
VGG19 is torchvision's features[:26].

After step K, OUT_FOLDER/state-K.safetensors holds every tensor as STATE does, and
OUT_FOLDER/losses.json every step's losses. OUT_FOLDER/zero-gradient.json lists the biases
whose true gradient is zero (see zero_gradient_biases): Adam turns their rounding noise into
updates of size lr on both sides, so they are not compared.

--threads sets PyTorch's intra-op thread count (1 by default). --follow FOLDER starts every
step K > 0 from FOLDER/state-(K-1).safetensors, another run's state, so that two runs (say
with other thread counts) can be compared update by update from the same states: this is
how the parity test measures how far PyTorch is from itself. --nudge moves every weight of
both networks by 1e-8, up and down in turn, whenever a state is loaded, for steps whose
kernels round alike on any thread count. --mutation puts one deliberate
bug in, so the test can show that its tolerance still catches one: "beta2" (Adam's 0.999
made 0.99), "content-weight" (10 made 11) or "padding" (the generator's first 3x3
convolution pads with zeros instead of reflecting). --device cuda runs the steps on the
GPU, for Scripts/gpu-check.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
import torchvision

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from cartoongan_torch import Discriminator, Generator, load_safetensors, save_safetensors  # noqa: E402

arguments = argparse.ArgumentParser()
for positional in ("state", "batches", "out", "norm", "plan"):
    arguments.add_argument(positional)
arguments.add_argument("--threads", type=int, default=1)
arguments.add_argument("--follow")
arguments.add_argument("--nudge", action="store_true")
arguments.add_argument("--device", default="cpu")
arguments.add_argument("--mutation", choices=("beta2", "content-weight", "padding"))
options = arguments.parse_args()
torch.set_num_threads(options.threads)
is_batch = options.norm == "batch"
beta2 = 0.99 if options.mutation == "beta2" else 0.999
content_weight = 11 if options.mutation == "content-weight" else 10


def read_state(path):
    with open(path, "rb") as file:
        length = int.from_bytes(file.read(8), "little")
        metadata = json.loads(file.read(length))["__metadata__"]
    return load_safetensors(path), metadata


device = torch.device(options.device)
state, metadata = read_state(options.state)
batches = {name: tensor.to(device) for name, tensor in load_safetensors(options.batches).items()}

networks = {"g.": Generator(is_batch), "d.": Discriminator(is_batch)}
if options.mutation == "padding":
    networks["g."].body[4].padding_mode = "zeros"
generator, discriminator = networks["g."].to(device), networks["d."].to(device)

vgg = torchvision.models.vgg19().features[:26]
vgg.load_state_dict({k[len("vgg.features."):]: v for k, v in state.items() if k.startswith("vgg.")})
vgg.requires_grad_(False)
vgg.to(device)
mean = torch.tensor([0.485, 0.456, 0.406], device=device).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225], device=device).view(1, 3, 1, 1)


def features(x):
    return vgg(((x + 1) / 2 - mean) / std)


def optimizer(prefix, network, state, steps):
    adam = torch.optim.Adam(network.parameters(), 2e-4, betas=(0.5, beta2))
    if steps > 0:
        for name, parameter in network.named_parameters():
            adam.state[parameter] = {
                "step": torch.tensor(float(steps)),
                "exp_avg": state["adam." + prefix + name + ".exp_avg"].to(device, copy=True),
                "exp_avg_sq": state["adam." + prefix + name + ".exp_avg_sq"].to(device, copy=True)}
    return adam


def nudged(tensor):
    signs = torch.ones(tensor.numel())
    signs[1::2] = -1
    return tensor + 1e-8 * signs.view(tensor.shape)


def restore(state, metadata):
    """Loads the networks and makes their optimisers from a state and its metadata."""
    for prefix, network in networks.items():
        own = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
        if options.nudge:
            own = {k: nudged(v) if "running_" not in k else v for k, v in own.items()}
        for name, buffer in network.state_dict().items():
            if name.endswith("num_batches_tracked"):
                own[name] = buffer  # momentum is fixed, so the count changes nothing
        network.load_state_dict(own, strict=True)
    return (optimizer("g.", generator, state, int(metadata["generator_steps"])),
            optimizer("d.", discriminator, state, int(metadata["discriminator_steps"])))


g_opt, d_opt = restore(state, metadata)


def logistic(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def accuracy(logits, real):
    return ((logits > 0) if real else (logits <= 0)).float().mean().item()


def step(index, phase, lr):
    for group in g_opt.param_groups + d_opt.param_groups:
        group["lr"] = lr
    photos = batches["photos.%d" % index]
    generator.train()
    discriminator.train()
    if phase == "init":
        g_opt.zero_grad()
        content = F.l1_loss(features(generator(photos)), features(photos).detach())
        content.backward()
        g_opt.step()
        return {"content": content.item()}
    styles, smoothed = batches["styles.%d" % index], batches["smoothed.%d" % index]
    d_opt.zero_grad()
    generated = generator(photos)
    real, smooth = discriminator(styles), discriminator(smoothed)
    fake = discriminator(generated.detach())
    d_loss = logistic(real, 1) + logistic(smooth, 0) + logistic(fake, 0)
    d_loss.backward()
    d_opt.step()
    g_opt.zero_grad()
    discriminator.requires_grad_(False)
    adversarial = logistic(discriminator(generated), 1)
    content = F.l1_loss(features(generated), features(photos).detach())
    (adversarial + content_weight * content).backward()
    discriminator.requires_grad_(True)
    g_opt.step()
    return {"content": content.item(), "generator_adversarial": adversarial.item(),
            "discriminator": d_loss.item(), "real_accuracy": accuracy(real, True),
            "smooth_accuracy": accuracy(smooth, False), "fake_accuracy": accuracy(fake, False)}


def snapshot():
    tensors = {}
    for prefix, network, adam in (("g.", generator, g_opt), ("d.", discriminator, d_opt)):
        for name, tensor in network.state_dict().items():
            if not name.endswith("num_batches_tracked"):
                tensors[prefix + name] = tensor.cpu()
        for name, parameter in network.named_parameters():
            moments = adam.state.get(parameter, {})
            for moment in ("exp_avg", "exp_avg_sq"):
                tensors["adam." + prefix + name + "." + moment] = moments.get(
                    moment, torch.zeros_like(parameter)).cpu()
    return tensors


def steps(adam, network):
    moments = adam.state.get(next(network.parameters()), {})
    return str(int(moments["step"].item())) if "step" in moments else "0"


def zero_gradient_biases():
    """Biases that reach a norm layer through nothing but reflection-padded convolutions:
    such a convolution maps a per-channel constant to a per-channel constant, which the
    norm's mean removes."""
    norms = (torch.nn.BatchNorm2d, torch.nn.InstanceNorm2d)
    names = []
    for prefix, network in networks.items():
        layers = [(name, module) for name, module in network.named_modules()
                  if not list(module.children())]
        for index, (name, module) in enumerate(layers):
            if not isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                continue
            following = index + 1
            while following < len(layers) and isinstance(layers[following][1], torch.nn.Conv2d) \
                    and layers[following][1].padding_mode == "reflect":
                following += 1
            if following < len(layers) and isinstance(layers[following][1], norms):
                names.append(prefix + name + ".bias")
    return names


os.makedirs(options.out, exist_ok=True)
losses = []
for index, item in enumerate(options.plan.split(",")):
    if options.follow and index > 0:
        g_opt, d_opt = restore(*read_state(
            os.path.join(options.follow, "state-%d.safetensors" % (index - 1))))
    phase, lr = item.split(":")
    losses.append(step(index, phase, float(lr)))
    save_safetensors(os.path.join(options.out, "state-%d.safetensors" % index), snapshot(), {
        "generator_steps": steps(g_opt, generator), "discriminator_steps": steps(d_opt, discriminator)})
with open(os.path.join(options.out, "losses.json"), "w") as file:
    json.dump(losses, file)
with open(os.path.join(options.out, "zero-gradient.json"), "w") as file:
    json.dump(zero_gradient_biases(), file)
