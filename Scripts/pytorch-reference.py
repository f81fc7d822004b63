#!/usr/bin/env python3
"""PyTorch reference for the whole-epoch rows of `deepbayes-bench`.

Times, in PyTorch on the CPU, one training epoch of each model that `deepbayes-bench --epochs N`
times in DeepBayes: the model `deepbayes train` builds with its defaults, trained on all
60,000 MNIST training images in shuffled minibatches of 128 (the last one of 96), each minibatch
one forward pass, one backward pass and one Adam step (for the GAN a discriminator step, then a
generator step and the update of the generator's moving average); no evaluation. Every
minibatch's losses are read back as Python floats, as `deepbayes train` reads back its losses.

The models, as `deepbayes train MODEL` builds them:

  bnn-local        Bayes by Backprop, 784-400-400-10 with relu (Blundell et al. 2015): every
                   weight and bias has a Gaussian posterior N(mu, softplus(rho)^2), rho starting
                   at -5, mu He-uniform (biases 0). Local reparameterization: each layer samples
                   its pre-activations, mean x.mu + mu_b and variance x^2.sigma^2 + sigma_b^2, as
                   mean + sqrt(variance + 1e-8).eps; and, for the KL against the scale-mixture
                   prior (pi = 1/2, sigma1 = e^0, sigma2 = e^-6), which has no closed form, it
                   also samples the weights w = mu + sigma.eps and sums the Monte-Carlo term
                   log q(w) - log p(w).
  bnn-reparameterization
                   The same network sampling the weights themselves (one sample per minibatch,
                   shared by its images): y = x.w + b, and the same Monte-Carlo KL of w and b.
                   Both: minibatch loss (KL / M + sum of the cross-entropies) / B, with M = 469
                   minibatches per epoch and B the minibatch's size.
  mcdropout        784-400-400-10 with relu and dropout 1/2 after each hidden layer, He-uniform
                   weights, biases 0; the mean cross-entropy.
  vae              784-400-20 encoder (relu), mean and log-variance heads, 20-400-784 decoder
                   (relu), LeCun-uniform weights, biases 0; z = mean + sqrt(e^logvar + 1e-8).eps,
                   loss the mean over the minibatch of the summed Bernoulli cross-entropy plus
                   KL(N(mean, e^logvar) || N(0, I)).
  gan              Generator 100-256-512-1024-784 (leaky relu 0.2, tanh), discriminator
                   784-1024-512-256-1 (leaky relu 0.2, dropout 0.3 after each hidden layer),
                   He-uniform weights but LeCun-uniform in each last layer, biases 0; images
                   scaled to [-1, 1]. Per minibatch: a discriminator step on the real images and
                   as many fakes made without gradients, mean BCE(D(x), 1) + mean BCE(D(G(z)), 0);
                   then a generator step on fresh codes with the non-saturating loss
                   mean BCE(D(G(z)), 1) (whose backward pass also reaches the discriminator's
                   weights, as in DeepBayes), and the moving average a <- a + (1 - beta)(p - a)
                   of the generator's weights, beta = min(0.999, (1 + t)/(10 + t)).

Adam (beta1 0.9, beta2 0.999, eps 1e-8) with learning rate 1e-3, for the GAN 2e-4 with beta1 1/2
(both networks). The random numbers come from PyTorch's generator (seeded with --seed), not
from DeepBayes's Philox streams: the same amount of sampling, other values.

Each row is one JSON object per line, with the field names of `deepbayes-bench --json`: kernel
"train epoch", backend "pytorch", shape (the label of the matching DeepBayes row), median_ms
(the median milliseconds of one epoch), items_per_s, reference "none" and ratio null (a
PyTorch row has no reference of its own); and besides: epochs_timed (the runs the median is
of), runs_ms (each run's milliseconds per epoch, to show the spread), cpu_per_wall (the
process's CPU seconds per second of the timed runs: about --threads on a quiet machine, less
where other processes took the cores), steps (present only with --steps: the median is then of runs of that many steps, scaled
to the 469 of an epoch), threads, torch (the version), adam (default or fused) and train_loss
(the mean first loss of the timed minibatches, as `metrics.jsonl` names it: a check that the
model learns as DeepBayes's does).

It is never a dependency of DeepBayes, of its tests or of CI: it runs only where PyTorch is
installed, and exits with code 2 and a one-line message where it is not.

Usage:
  python3 Scripts/pytorch-reference.py [--model NAME]... [--threads 2] [--epochs 3]
                                       [--steps S] [--warmup-steps 50] [--adam default|fused]
                                       [--seed 1] [--data DIR] [--output FILE]

  NAME: bnn-local, bnn-reparameterization, mcdropout, vae, gan (default: all five).

  Then, to print each PyTorch row beside the DeepBayes row of the same model, with the ratio
  DeepBayes time / PyTorch time (below 1: DeepBayes is faster):

  python3 Scripts/pytorch-reference.py --output runs/pytorch.jsonl
  Distribution/.build/release/deepbayes-bench --device cpu --epochs 3 --filter epoch \\
      --pytorch runs/pytorch.jsonl

  Compare at the same number of threads: DeepBayes's CPU backend uses the active cores, or
  DEEPBAYES_THREADS.
"""

import argparse
import gzip
import itertools
import json
import math
import statistics
import sys
import time
from pathlib import Path

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as missing:
    print(f"pytorch-reference: {missing.name} is not installed; this script needs PyTorch and numpy "
          "(it is optional: nothing in DeepBayes needs it)", file=sys.stderr)
    sys.exit(2)

BATCH_SIZE = 128  # `deepbayes train`'s default --batch-size, and deepbayes-bench's
NOISE_SIZE = 100  # the GAN's code size (GANModel.noiseSize)
LEAKY_SLOPE = 0.2  # UnaryOp.leakySlope
AVERAGE_DECAY = 0.999  # GANModel.averageDecay
PRIOR = (0.5, math.exp(0.0), math.exp(-6.0))  # the scale mixture's pi, sigma1, sigma2
RHO_INITIAL = -5.0  # ModelSpec.defaults' rhoInitial
LOCAL_EPSILON = 1e-8  # added to the variance before its square root in local reparameterization

SHAPES = {
    "bnn-local": "bnn mlp 784-400-400-10 local, batch 128",
    "bnn-reparameterization": "bnn mlp 784-400-400-10 reparam, batch 128",
    "mcdropout": "mcdropout mlp 784-400-400-10, batch 128",
    "vae": "vae 784-400-20, batch 128",
    "gan": "gan mlp, batch 128",
}


def read_idx(path):
    """The array in a gzip IDX file (unsigned bytes), shaped by its header's dimensions."""
    data = gzip.open(path, "rb").read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise SystemExit(f"pytorch-reference: {path}: not an IDX file of unsigned bytes")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_mnist(data):
    """MNIST's training images as [60000, 784] floats in [0, 1] and their labels as int64."""
    folder = data / "mnist"
    images = read_idx(folder / "train-images-idx3-ubyte.gz")
    labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
    pixels = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255)
    return pixels, torch.from_numpy(labels.astype(np.int64))


def uniform_linear(inputs, outputs, bound):
    """nn.Linear with weights from U(-bound, bound) and zero biases."""
    layer = nn.Linear(inputs, outputs)
    nn.init.uniform_(layer.weight, -bound, bound)
    nn.init.zeros_(layer.bias)
    return layer


def he_linear(inputs, outputs):
    """A dense layer initialized He-uniform, U(+-sqrt(6 / fan-in)) (WeightInitialization.heUniform)."""
    return uniform_linear(inputs, outputs, math.sqrt(6 / inputs))


def lecun_linear(inputs, outputs):
    """A dense layer initialized LeCun-uniform, U(+-1 / sqrt(fan-in)) (WeightInitialization.lecunUniform)."""
    return uniform_linear(inputs, outputs, 1 / math.sqrt(inputs))


def mixture_kl(w, mu, sigma):
    """sum log q(w) - log p(w) for a sample w of N(mu, sigma^2) and the scale-mixture prior
    p = pi N(0, s1^2) + (1 - pi) N(0, s2^2), without the -1/2 log 2 pi both densities share."""
    pi, s1, s2 = PRIOR
    log_q = -torch.log(sigma) - (w - mu) ** 2 / (2 * sigma ** 2)
    square = w * w
    log_p = torch.logaddexp(math.log(pi) - math.log(s1) - square / (2 * s1 * s1),
                            math.log(1 - pi) - math.log(s2) - square / (2 * s2 * s2))
    return (log_q - log_p).sum()


class BayesLinear(nn.Module):
    """A Bayes-by-Backprop dense layer (BayesDense): Gaussian posteriors over the weights
    ([out, in], as nn.Linear lays them out) and the biases. forward returns the output and the
    layer's Monte-Carlo KL against the scale-mixture prior."""

    def __init__(self, inputs, outputs, local):
        super().__init__()
        bound = math.sqrt(6 / inputs)
        self.weight_mu = nn.Parameter(torch.empty(outputs, inputs).uniform_(-bound, bound))
        self.weight_rho = nn.Parameter(torch.full((outputs, inputs), RHO_INITIAL))
        self.bias_mu = nn.Parameter(torch.zeros(outputs))
        self.bias_rho = nn.Parameter(torch.full((outputs,), RHO_INITIAL))
        self.local = local

    def forward(self, x):
        weight_sigma, bias_sigma = F.softplus(self.weight_rho), F.softplus(self.bias_rho)
        w = self.weight_mu + weight_sigma * torch.randn_like(weight_sigma)
        b = self.bias_mu + bias_sigma * torch.randn_like(bias_sigma)
        kl = mixture_kl(w, self.weight_mu, weight_sigma) + mixture_kl(b, self.bias_mu, bias_sigma)
        if not self.local:
            return F.linear(x, w, b), kl
        mean = F.linear(x, self.weight_mu, self.bias_mu)
        variance = F.linear(x * x, weight_sigma ** 2, bias_sigma ** 2)
        return mean + torch.sqrt(variance + LOCAL_EPSILON) * torch.randn_like(mean), kl


class BayesClassifier(nn.Module):
    """784-400-400-10 Bayes by Backprop with relu (ClassifierModel, kind bayesian)."""

    def __init__(self, local):
        super().__init__()
        self.layers = nn.ModuleList([BayesLinear(784, 400, local), BayesLinear(400, 400, local), BayesLinear(400, 10, local)])

    def forward(self, x):
        total_kl = 0
        for index, layer in enumerate(self.layers):
            x, kl = layer(x)
            total_kl = total_kl + kl
            if index < len(self.layers) - 1:
                x = F.relu(x)
        return x, total_kl


def classifier_step(adam, local, batches_per_epoch):
    """The training step of Bayes by Backprop: Adam on (KL / M + sum NLL) / B."""
    model = BayesClassifier(local)
    optimizer = adam(model.parameters(), 1e-3)

    def step(images, labels):
        logits, kl = model(images)
        loss = (kl / batches_per_epoch + F.cross_entropy(logits, labels, reduction="sum")) / len(labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return [loss.item()]
    return step


def mcdropout_step(adam):
    """The training step of MC dropout: Adam on the mean cross-entropy."""
    model = nn.Sequential(he_linear(784, 400), nn.ReLU(), nn.Dropout(0.5),
                          he_linear(400, 400), nn.ReLU(), nn.Dropout(0.5), he_linear(400, 10))
    optimizer = adam(model.parameters(), 1e-3)

    def step(images, labels):
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return [loss.item()]
    return step


def vae_step(adam):
    """The training step of the VAE (VAEModel): Adam on the mean negative ELBO."""
    encoder = nn.Sequential(lecun_linear(784, 400), nn.ReLU())
    mean_head, log_variance_head = lecun_linear(400, 20), lecun_linear(400, 20)
    decoder = nn.Sequential(lecun_linear(20, 400), nn.ReLU(), lecun_linear(400, 784))
    modules = nn.ModuleList([encoder, mean_head, log_variance_head, decoder])
    optimizer = adam(modules.parameters(), 1e-3)

    def step(images, labels):
        features = encoder(images)
        mean, log_variance = mean_head(features), log_variance_head(features)
        z = mean + torch.sqrt(torch.exp(log_variance) + LOCAL_EPSILON) * torch.randn_like(mean)
        reconstruction = F.binary_cross_entropy_with_logits(decoder(z), images, reduction="none").sum(1)
        kl = -0.5 * (1 + log_variance - mean ** 2 - torch.exp(log_variance)).sum(1)
        loss = (reconstruction + kl).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return [loss.item()]
    return step


def make_generator():
    """G: 100-256-512-1024-784, leaky relu, tanh (GANModel, mlp)."""
    return nn.Sequential(he_linear(NOISE_SIZE, 256), nn.LeakyReLU(LEAKY_SLOPE), he_linear(256, 512), nn.LeakyReLU(LEAKY_SLOPE),
                         he_linear(512, 1024), nn.LeakyReLU(LEAKY_SLOPE), lecun_linear(1024, 784), nn.Tanh())


def gan_step(adam):
    """One discriminator step, one non-saturating generator step and the moving average of the
    generator's weights (TrainingStep for GANs)."""
    generator, averaged = make_generator(), make_generator()
    averaged.load_state_dict(generator.state_dict())
    discriminator = nn.Sequential(he_linear(784, 1024), nn.LeakyReLU(LEAKY_SLOPE), nn.Dropout(0.3),
                                  he_linear(1024, 512), nn.LeakyReLU(LEAKY_SLOPE), nn.Dropout(0.3),
                                  he_linear(512, 256), nn.LeakyReLU(LEAKY_SLOPE), nn.Dropout(0.3), lecun_linear(256, 1))
    discriminator_optimizer = adam(discriminator.parameters(), 2e-4, beta1=0.5)
    generator_optimizer = adam(generator.parameters(), 2e-4, beta1=0.5)
    pairs = list(zip(averaged.parameters(), generator.parameters()))
    updates = itertools.count()

    def step(images, labels):
        batch = len(images)
        real = images * 2 - 1
        with torch.no_grad():
            fake = generator(torch.randn(batch, NOISE_SIZE))
        ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
        discriminator_loss = (F.binary_cross_entropy_with_logits(discriminator(real), ones)
                              + F.binary_cross_entropy_with_logits(discriminator(fake), zeros))
        discriminator_optimizer.zero_grad()
        discriminator_loss.backward()
        discriminator_optimizer.step()
        generator_loss = F.binary_cross_entropy_with_logits(discriminator(generator(torch.randn(batch, NOISE_SIZE))), ones)
        generator_optimizer.zero_grad()
        generator_loss.backward()
        generator_optimizer.step()
        t = next(updates)
        weight = 1 - min(AVERAGE_DECAY, (1 + t) / (10 + t))
        with torch.no_grad():
            for average, source in pairs:
                average.lerp_(source, weight)
        return [discriminator_loss.item(), generator_loss.item()]
    return step


def adam_maker(fused):
    """A function making Adam as DeepBayes configures it (beta2 0.999, eps 1e-8) for parameters,
    a learning rate and beta1: PyTorch's default implementation, or its fused CPU kernel."""
    def adam(parameters, learning_rate, beta1=0.9):
        return torch.optim.Adam(parameters, lr=learning_rate, betas=(beta1, 0.999), eps=1e-8, fused=fused or None)
    return adam


def make_step(name, batches_per_epoch, adam):
    """The training step of model `name` (one of SHAPES): a function of a minibatch's images
    and labels that returns its losses, the first one `train_loss`."""
    if name.startswith("bnn-"):
        return classifier_step(adam, name == "bnn-local", batches_per_epoch)
    return {"mcdropout": mcdropout_step, "vae": vae_step, "gan": gan_step}[name](adam)


def epoch_batches(images, labels, generator):
    """One epoch's minibatches: a fresh random order of all images, cut into BATCH_SIZE."""
    order = torch.randperm(len(images), generator=generator)
    for start in range(0, len(images), BATCH_SIZE):
        indices = order[start:start + BATCH_SIZE]
        yield images[indices], labels[indices]


def measure(name, images, labels, arguments):
    """The JSON row of model `name`: warm-up steps, then the median of the timed runs."""
    batches_per_epoch = math.ceil(len(images) / BATCH_SIZE)
    generator = torch.Generator().manual_seed(arguments.seed)
    step = make_step(name, batches_per_epoch, adam_maker(arguments.adam == "fused"))
    stream = itertools.chain.from_iterable(epoch_batches(images, labels, generator) for _ in itertools.count())
    for images_batch, labels_batch in itertools.islice(stream, arguments.warmup_steps):
        step(images_batch, labels_batch)
    seconds, losses, wall, cpu_start = [], [], 0.0, time.process_time()
    for _ in range(arguments.epochs):
        # A timed run starts at an epoch's start (its shuffle included) unless it is of --steps.
        batches = itertools.islice(stream, arguments.steps) if arguments.steps else epoch_batches(images, labels, generator)
        start = time.perf_counter()
        run_losses = [step(images_batch, labels_batch)[0] for images_batch, labels_batch in batches]
        elapsed = time.perf_counter() - start
        wall += elapsed
        seconds.append(elapsed * (batches_per_epoch / arguments.steps if arguments.steps else 1))
        losses += run_losses
    cpu = time.process_time() - cpu_start
    median = sorted(seconds)[len(seconds) // 2]  # the upper median for an even count, as deepbayes-bench takes it
    row = {"kernel": "train epoch", "backend": "pytorch", "shape": SHAPES[name], "median_ms": round(median * 1e3, 4),
           "items_per_s": round(len(images) / median, 2), "reference": "none", "ratio": None, "epochs_timed": arguments.epochs,
           "runs_ms": [round(run * 1e3, 1) for run in seconds], "cpu_per_wall": round(cpu / wall, 2),
           "threads": torch.get_num_threads(), "torch": torch.__version__, "adam": arguments.adam,
           "train_loss": round(statistics.fmean(losses), 6)}
    if arguments.steps:
        row["steps"] = arguments.steps
    return row


def positive(text):
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def parse_arguments():
    """The command line's options."""
    parser = argparse.ArgumentParser(description="Times whole training epochs of DeepBayes's models in PyTorch (CPU) "
                                     "and writes deepbayes-bench JSON lines.")
    parser.add_argument("--model", action="append", choices=list(SHAPES), help="a model to time (repeatable; default: all)")
    parser.add_argument("--threads", type=positive, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--epochs", type=positive, default=3, help="timed runs, the median is reported (default 3)")
    parser.add_argument("--steps", type=positive, help="time runs of this many steps instead of whole epochs, scaled to an epoch")
    parser.add_argument("--warmup-steps", type=int, default=50, help="untimed steps before the timed runs (default 50)")
    parser.add_argument("--adam", choices=["default", "fused"], default="default",
                        help="PyTorch's default Adam (a loop over the tensors on the CPU) or its fused CPU kernel")
    parser.add_argument("--seed", type=int, default=1, help="seed of PyTorch's generator (weights, noise, shuffling)")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent.parent / "Data",
                        help="a folder laid out like the repository's Data/ (default: the repository's)")
    parser.add_argument("--output", type=Path, help="append the JSON lines to this file too")
    return parser.parse_args()


def main():
    """Times every model asked for and prints (and appends to --output) one JSON line each."""
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    images, labels = load_mnist(arguments.data)
    for name in arguments.model or list(SHAPES):
        line = json.dumps(measure(name, images, labels, arguments), sort_keys=True)
        print(line, flush=True)
        if arguments.output:
            with arguments.output.open("a") as output:
                output.write(line + "\n")


if __name__ == "__main__":
    main()
