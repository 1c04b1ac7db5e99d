#!/usr/bin/env python3
"""Runs one framework's conv1d for convgen-bench, one call at a time on request, so that the bench
times it in the same rounds as convgen and oneDNN. Part of convgen-bench; not meant to run alone.

usage: peers.py torch|onnxruntime DIR THREADS
DIR/layers.json lists the layers (name, mb, ic, oc, iw, kw, sw, dw, pw_l, pw_r, g, bias); the
inputs are DIR/<name>.{src,wei,bia}.f32 (raw float32). Commands, one per line on stdin, each
answered with one line on stdout:
  (at start)    "version V", or "error WHY" when the framework is not installed (then it exits)
  prepare NAME  builds the layer's call, runs it once (warm-up) and writes its output to
                DIR/NAME.<framework>.out.f32: "ready", or "error WHY"
  run S         calls of the prepared layer: untimed ones for at least S seconds (they warm the
                caches with this layer's data), then one timed: its seconds (perf_counter around
                the call)
  quit          exits
"""
import json
import os
import sys
import time


def load_framework(framework, threads):
    if framework == "torch":
        import torch
        torch.set_num_threads(threads)
        return torch.__version__
    import onnx  # noqa: F401 (builds the model; missing, the framework is reported once, here)
    import onnxruntime
    return onnxruntime.__version__


def make_call(framework, L, x, w, b, threads):
    if framework == "torch":
        import torch
        import torch.nn.functional as F
        xt, wt = torch.from_numpy(x), torch.from_numpy(w)
        bt = torch.from_numpy(b) if b is not None else None
        asym = L["pw_l"] != L["pw_r"]

        def run():
            with torch.no_grad():
                xi = F.pad(xt, (L["pw_l"], L["pw_r"])) if asym else xt
                return F.conv1d(xi, wt, bt, stride=L["sw"], dilation=L["dw"], padding=0 if asym else L["pw_l"],
                                groups=L["g"]).numpy()
        return run
    import onnxruntime as ort
    from onnx import TensorProto, helper
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))]
    inits = [helper.make_tensor("w", TensorProto.FLOAT, list(w.shape), w.flatten().tolist())]
    names = ["x", "w"]
    if b is not None:
        inits.append(helper.make_tensor("b", TensorProto.FLOAT, list(b.shape), b.tolist()))
        names.append("b")
    node = helper.make_node("Conv", names, ["y"], strides=[L["sw"]], dilations=[L["dw"]],
                            pads=[L["pw_l"], L["pw_r"]], group=L["g"], kernel_shape=[L["kw"]])
    graph = helper.make_graph([node], "conv1d", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return lambda: sess.run(None, {"x": x})[0]


def main():
    framework, folder, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reply = lambda text: print(text, flush=True)
    try:
        import numpy as np
        reply("version " + load_framework(framework, threads))
    except ImportError as e:
        reply(f"error {framework} not installed for {sys.executable}: {e}")
        return
    layers = {L["name"]: L for L in json.load(open(os.path.join(folder, "layers.json")))}
    call = None
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            return
        if words[0] == "run":
            warm_until = time.perf_counter() + float(words[1])
            while time.perf_counter() < warm_until:
                call()
            t0 = time.perf_counter()
            call()
            reply(repr(time.perf_counter() - t0))
            continue
        call = None
        try:
            L = layers[words[1]]
            load = lambda part, shape: np.fromfile(os.path.join(folder, f"{L['name']}.{part}.f32"),
                                                   dtype=np.float32).reshape(shape)
            x = load("src", (L["mb"], L["ic"], L["iw"]))
            w = load("wei", (L["oc"], L["ic"] // L["g"], L["kw"]))
            b = load("bia", (L["oc"],)) if L["bias"] else None
            call = make_call(framework, L, x, w, b, threads)
            call().astype(np.float32).tofile(os.path.join(folder, f"{L['name']}.{framework}.out.f32"))
            reply("ready")
        except Exception as e:  # a layer the framework refuses: reported, the others go on
            reply("error " + str(e).replace("\n", " ")[:300])


if __name__ == "__main__":
    main()
