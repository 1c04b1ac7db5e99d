#!/usr/bin/env python3
"""Times PyTorch's F.conv1d (cuDNN) on the GPU for each layer gpu_check measured, and prints the
comparison table. usage: torch_conv1d.py RESULTS.jsonl"""
import json
import statistics
import sys
import time


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    have_cuda = torch is not None and torch.cuda.is_available()
    if not have_cuda:
        print("note: python3 has no torch with CUDA here: cuDNN column left empty")
    dtypes = {0: "float32", 1: "float16", 2: "bfloat16"}
    modes = {0: "constant", 1: "reflect", 2: "replicate", 3: "circular"}
    acts = {0: None, 1: "relu", 2: "silu", 3: "gelu", 4: "tanh", 5: "sigmoid"}
    # PyTorch lets cuDNN run fp32 convolutions on TF32 tensor cores by default (10-bit mantissa
    # inputs); convgen computes in fp32. Both are timed: the default, and strict fp32.
    print(f"{'kernel':28} {'convgen ms':>10} {'cuDNN ms':>9} {'ratio':>6} {'cuDNN fp32 ms':>13} {'ratio':>6} "
          f"{'convgen TFLOP/s':>15} {'GB/s':>7}  check")
    ratios, strict_ratios = [], []
    for r in rows:
        torch_ms = None
        if have_cuda:
            dt = getattr(torch, dtypes[r["dtype"]])
            x = torch.randn(r["mb"], r["ic"], r["iw"], device="cuda", dtype=dt)
            w = torch.randn(r["oc"], r["ic"] // r["g"], r["kw"], device="cuda", dtype=dt)
            b = torch.randn(r["oc"], device="cuda", dtype=dt) if r["bias"] else None
            act = acts[r["activation"]]

            def run():
                y = F.pad(x, (r["pw_l"], r["pw_r"]), mode=modes[r["padding_mode"]]) if (r["pw_l"] or r["pw_r"]) else x
                y = F.conv1d(y, w, b, stride=r["sw"], dilation=r["dw"], groups=r["g"])
                return getattr(F, act)(y) if act else y

            def median_ms(tf32):
                torch.backends.cudnn.allow_tf32 = tf32
                torch.backends.cudnn.benchmark = True
                for _ in range(5):
                    run()
                torch.cuda.synchronize()
                times = []
                start = time.perf_counter()
                while len(times) < 10 or (time.perf_counter() - start < 0.25 and len(times) < 1000):
                    t0 = time.perf_counter()
                    run()
                    torch.cuda.synchronize()
                    times.append(time.perf_counter() - t0)
                return statistics.median(times) * 1e3

            torch_ms, strict_ms = median_ms(True), median_ms(False)
        else:
            strict_ms = None
        ms = r["ms"]
        ratio = torch_ms / ms if (torch_ms and ms > 0) else None
        strict = strict_ms / ms if (strict_ms and ms > 0) else None
        if ratio:
            ratios.append(ratio)
        if strict:
            strict_ratios.append(strict)
        nan = float("nan")
        print(f"{r['kernel']:28} {ms:10.4f} {torch_ms or nan:9.4f} {ratio or nan:6.2f} {strict_ms or nan:13.4f} "
              f"{strict or nan:6.2f} {r['flops'] / (ms * 1e-3) * 1e-12 if ms > 0 else 0:15.3f} "
              f"{r['bytes'] / (ms * 1e-3) * 1e-9 if ms > 0 else 0:7.1f}  {'PASS' if r['ok'] else 'FAIL'}")
    for label, rs in (("cuDNN (TF32 allowed, PyTorch's default)", ratios), ("cuDNN (strict fp32)", strict_ratios)):
        if rs:
            print(f"{label}: geometric mean of its time / convgen's {statistics.geometric_mean(rs):.2f} over "
                  f"{len(rs)} layers (> 1: convgen faster); convgen at least as fast on {sum(x >= 1 for x in rs)}")


if __name__ == "__main__":
    main()
