"""PyTorch CPU peer for bench/train-step.mjs: LeNet-5-BN (mnist-lenet, batch 64) training steps.

The same network as slimprune's reference model (conv5x5 1->20, BN, ReLU, maxpool2; conv5x5
20->50, BN, ReLU, maxpool2; dense 800->500, BN, ReLU; dense 500->10), SGD with momentum 0.9 and
weight decay 1e-4, on one fixed random batch. Two steps:
  plain         forward, cross-entropy, backward, update;
  polarization  the same plus the polarization subgradient added to every BN gamma's gradient
                and the clamp of gamma to [0, 1] after the update (as the Polarization reference
                code's updateBN), i.e. what slimprune's sparsity trainer does per step.
Prints one JSON object: images/s per (step, threads), medians over rounds.

Usage: python3 bench/pytorch-lenet.py [--steps 20] [--rounds 3] [--threads 1,2]
(Debian: apt-get install python3-torch libopenblas0-pthread; the interpreter is /usr/bin/python3.
Debian's torch calls the system BLAS for its dense layers: the reference BLAS unless OpenBLAS is
installed. Set OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to the thread count, as
bench/train-vs-pytorch.mjs does: they are read when the process starts.)
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

B = 64


def lenet5_bn() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.BatchNorm2d(20, eps=1e-5, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5), nn.BatchNorm2d(50, eps=1e-5, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(800, 500), nn.BatchNorm1d(500, eps=1e-5, momentum=0.1), nn.ReLU(),
        nn.Linear(500, 10),
    )


def polarization_grad(model: nn.Module, lam: float, t: float) -> None:
    """lambda * d/dgamma (t*|gamma| - |gamma - mean(gamma)|), mean over every BN gamma."""
    bns = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    mean = torch.cat([m.weight.data for m in bns]).mean()
    for m in bns:
        g = m.weight.data
        m.weight.grad.add_(lam * (t * torch.sign(g) - torch.sign(g - mean)))


def clamp_gammas(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.weight.data.clamp_(0, 1)


def images_per_second(kind: str, steps: int) -> float:
    torch.manual_seed(1)
    model = lenet5_bn().train()
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.constant_(m.weight, 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    x = torch.rand(B, 1, 28, 28)
    y = torch.arange(B) % 10
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        if kind == 'polarization':
            polarization_grad(model, 1e-4, 1.2)
        opt.step()
        if kind == 'polarization':
            clamp_gammas(model)
        loss.item()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return B * steps / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--threads', default='1,2')
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(',')]
    runs: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for n in threads:
            torch.set_num_threads(n)
            for kind in ('plain', 'polarization'):
                runs.setdefault(f'{kind}/{n}', []).append(images_per_second(kind, args.steps))
    print(json.dumps({
        'torch': torch.__version__,
        'imagesPerSecond': {k: statistics.median(v) for k, v in runs.items()},
        'runs': runs,
    }))


if __name__ == '__main__':
    main()
