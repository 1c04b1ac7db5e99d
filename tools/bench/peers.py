#!/usr/bin/env python3
"""Times one framework's conv1d on the layers convgen-bench wrote out, and writes its outputs back so
convgen-bench can check them against the reference. Part of convgen-bench; not meant to run alone.

usage: peers.py torch|onnxruntime DIR THREADS
DIR/layers.json lists the layers (name, mb, ic, oc, iw, kw, sw, dw, pw_l, pw_r, g, bias); the
inputs are DIR/<name>.{src,wei,bia}.f32 (raw float32). Writes DIR/<name>.<framework>.out.f32 and
DIR/<framework>.json ({name: median ms}); a framework that is not installed writes {"error": why}.
"""
import json
import os
import statistics
import sys
import time


def median_ms(run, min_time=0.3, min_runs=5, max_runs=2000):
    run()  # warm-up
    times, start = [], time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < min_time and len(times) < max_runs):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main():
    framework, folder, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    layers = json.load(open(os.path.join(folder, "layers.json")))
    result = {}
    try:
        import numpy as np
        if framework == "torch":
            import torch
            torch.set_num_threads(threads)
            result["version"] = torch.__version__
        else:
            import onnx
            import onnxruntime as ort
            from onnx import TensorProto, helper
            result["version"] = ort.__version__
    except ImportError as e:
        result = {"error": f"{framework} not installed for {sys.executable}: {e}"}
        json.dump(result, open(os.path.join(folder, f"{framework}.json"), "w"))
        return
    for L in layers:
        load = lambda part, shape: np.fromfile(os.path.join(folder, f"{L['name']}.{part}.f32"), dtype=np.float32).reshape(shape)
        x = load("src", (L["mb"], L["ic"], L["iw"]))
        w = load("wei", (L["oc"], L["ic"] // L["g"], L["kw"]))
        b = load("bia", (L["oc"],)) if L["bias"] else None
        if framework == "torch":
            import torch.nn.functional as F
            xt, wt = torch.from_numpy(x), torch.from_numpy(w)
            bt = torch.from_numpy(b) if b is not None else None
            asym = L["pw_l"] != L["pw_r"]

            def run():
                with torch.no_grad():
                    xi = F.pad(xt, (L["pw_l"], L["pw_r"])) if asym else xt
                    return F.conv1d(xi, wt, bt, stride=L["sw"], dilation=L["dw"], padding=0 if asym else L["pw_l"],
                                    groups=L["g"])
            out = run().numpy()
        else:
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
            run = lambda: sess.run(None, {"x": x})[0]
            out = run()
        out.astype(np.float32).tofile(os.path.join(folder, f"{L['name']}.{framework}.out.f32"))
        result[L["name"]] = median_ms(run)
    json.dump(result, open(os.path.join(folder, f"{framework}.json"), "w"))


if __name__ == "__main__":
    main()
