// convgen-bench: convgen's kernels against oneDNN, PyTorch and ONNX Runtime on a suite of conv1d
// layers, next to the machine's measured FMA peak and bandwidth. Never run by the tests.
#include "Machine.h"
#include "OneDnnPeer.h"
#include "PythonPeer.h"
#include "compiler/driver/Driver.h"
#include "compiler/jit/JitKernel.h"
#include "compiler/schedule/Candidates.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/spec/SuiteCsv.h"
#include "compiler/tune/TuningDb.h"
#include "compiler/verify/Timing.h"
#include "compiler/verify/KernelCheck.h"
#include "convgen/cpu.h"
#include "convgen/reference.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include <unistd.h>

using namespace convgen;
using namespace convgen::bench;

namespace {

const char *kHelp =
    "usage: convgen-bench --suite CSV [--threads 1,2] [--json FILE] [--min-time S] [--layers a,b] [--db FILE]\n"
    "\n"
    "For each layer of CSV (columns as shared/bench/shapes.csv) and each thread count, in one run:\n"
    "measures the machine's f32 FMA peak and triad bandwidth (L3- and DRAM-sized); times convgen's\n"
    "kernel (ncw f32, batch and length dynamic; the default schedule, or with --db the one `generate\n"
    "--db` takes for the thread count; its weights in the Owi16o layout where that changes the default\n"
    "schedule, packed once by convgen_conv1d_pack_weights and timed apart, as oneDNN's reorders are),\n"
    "oneDNN's convolution_forward on plain ncw, on its own layout (format any) and as a 2-D\n"
    "convolution of height 1 on its own layout (its reorders from and to ncw timed apart and printed\n"
    "under the row, not in its time), PyTorch's F.conv1d (Debian's python3-torch) and ONNX Runtime's\n"
    "Conv (PyPI onnxruntime in .venv) through tools/bench/peers.py, and the naive reference (one call,\n"
    "one thread; the `naive` column, not a peer), and checks every output against the naive reference\n"
    "before timing counts. All but the reference are timed interleaved in rounds, the order rotating\n"
    "(the Python peers called in their helper process and timed there, around the call alone); each\n"
    "timed call follows 100 ms of untimed ones of the same implementation, which start 100 ms after\n"
    "the previous implementation's (thread pools that spin after a call go quiet); each one's median\n"
    "counts. Prints GFLOP/s, % of peak, % of the bandwidth roofline (for memory-bound layers also\n"
    "against the triad over the layer's own bytes, measured in the same process) and convgen / best\n"
    "peer (ratio: of the medians; paired: the median of per-round ratios, which load that comes and\n"
    "goes between rounds leaves alone), with geometric means; peers that are not installed are\n"
    "skipped with a note. Every library uses the best ISA the CPU has (convgen its best runnable\n"
    "variant, e.g. x86-64-avx512); % of peak is against the FMA peak of that ISA. Set\n"
    "CONVGEN_BENCH_TARGET=x86-64-avx2 and ONEDNN_MAX_CPU_ISA=AVX2 to compare AVX2 code.\n"
    "  --threads LIST  thread counts (default 1,2); each runs in its own process\n"
    "  --json FILE     per layer and thread count: name, threads, convgen_gflops, best_peer,\n"
    "                  best_peer_gflops, ratio, ratio_paired, peak_pct, roofline_pct, weight_layout,\n"
    "                  pack_ms (convgen's weight packing; 0 for oiw), and for memory-bound layers\n"
    "                  own_size_triad_gbps and own_size_roofline_pct (0 elsewhere), each\n"
    "                  implementation's <name>_gflops (naive_gflops the reference's), and for\n"
    "                  oneDNN-any and oneDNN-2d <name>_src_reorder_ms, _dst_reorder_ms, _wei_reorder_ms\n"
    "  --min-time S    seconds of timing per implementation and layer (default 0.5)\n"
    "  --layers LIST   only these layer names\n"
    "  --db FILE       convgen's kernels take their tuned schedules (per thread count), and a second\n"
    "                  table compares convgen's default schedule, the tuned one from this tuning\n"
    "                  database (convgen tune), and Halide's Adams2019 and Mullapudi2016 autoschedulers\n"
    "                  (given the layer's sizes as estimates), each checked, timed interleaved;\n"
    "                  tun/def and tun/auto are medians of per-round time ratios (tun/auto: the\n"
    "                  smaller against the two autoschedulers), in the JSON tuned_over_default and\n"
    "                  tuned_over_autoschedulers\n";

using Layer = SuiteLayer;

// The pause before each implementation's pair of calls in the main table (see runThreads), and the
// fewest rounds it times.
constexpr std::chrono::milliseconds kSettle{100};
constexpr int kMinRounds = 7;
// After the pause, untimed calls for at least this long before the timed one (peers.py's too). One
// untimed call was too little for memory-bound layers: after the pause, 1 thread, mamba_causal_dw
// and convtasnet_dw measured 10-11 and 8-9 GFLOP/s, and 23-24 and 15-16 in a loop of calls without
// pauses (a plain scale-copy of the same 25 MB: 26.5 GB/s). 20 ms was too little on 2 threads of a
// 2-vCPU EPYC (Zen 4) VM: after the pause whisper_conv1's 2-thread kernel ran at 105-180 GFLOP/s in
// some processes and 204-218 in others (210 in a loop without pauses); after 50 or 100 ms, 202-213.
constexpr double kWarmSeconds = 0.1;

// A KernelFn that "computes" by copying an output produced elsewhere: lets checkCase hold a peer's
// result to the same bound as convgen's.
KernelFn replay(const std::vector<float> &out) {
    return [&out](const void *, const void *, const void *, void *dst, int64_t, int64_t, std::string *) {
        std::memcpy(dst, out.data(), out.size() * sizeof(float));
        return 0;
    };
}

std::vector<float> readFloats(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    return v;
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

// One thread count, in this process (HL_NUM_THREADS and OMP_NUM_THREADS set by the parent).
// The --db table row of one layer: default vs tuned vs Halide's autoschedulers, interleaved.
// `deployed` is the main table's kernel, built from `plan` (already checked): the tuned one when the
// database has an entry for the layer. A stored schedule equal to the default is one kernel, one number.
std::string scheduleRow(const Layer &l, const CheckCase &cc, const TargetVariant &variant, const VariantPlan &plan,
                        JitKernel &deployed, int threads, double minTime, double flops, llvm::json::Object &row) {
    struct Alt {
        std::string name;
        std::unique_ptr<JitKernel> owned;  // autoscheduled kernels
        JitKernel *kernel;
        std::string note;
    };
    const bool tuned = plan.scheduleSource != "default";
    const bool sameAsDefault = plan.schedule.str() == chooseSchedule(l.desc, variant, nullptr).str();
    std::string error;
    std::unique_ptr<JitKernel> ownDefault;
    if (!sameAsDefault && !(ownDefault = JitKernel::build(l.desc, "default_" + l.name, variant, nullptr, &error)))
        return l.name + ": the default schedule failed to compile: " + error + "\n";
    JitKernel &def = ownDefault ? *ownDefault : deployed;
    std::vector<Alt> alts;
    alts.push_back({"tuned", nullptr, tuned && !sameAsDefault ? &deployed : nullptr, tuned ? "" : "not in the database"});
    for (const char *as : {"Adams2019", "Mullapudi2016"}) {
        error.clear();
        auto k = JitKernel::buildAutoscheduled(l.desc, std::string(as) + "_" + l.name, variant, as, l.mb, l.iw,
                                               threads, &error);
        JitKernel *raw = k.get();
        alts.push_back({as, std::move(k), raw, error});
    }
    std::vector<float> dst(cc.want.size());
    std::vector<std::function<void()>> runs = {
        [&] { def.run(cc.src.data(), cc.kernelWei(), cc.bia.data(), dst.data(), l.mb, l.iw, nullptr); }};
    std::vector<Alt *> timed;
    for (Alt &a : alts) {
        if (!a.kernel) continue;
        CheckResult r = checkCase(l.desc, cc, [&](const void *s, const void *w, const void *b, void *o, int64_t n,
                                                   int64_t len, std::string *e) { return a.kernel->run(s, w, b, o, n, len, e); });
        if (!r.pass) {
            a.note = "wrong: " + r.failure;
            a.kernel = nullptr;
            a.owned.reset();
            continue;
        }
        JitKernel *k = a.kernel;
        runs.push_back([&, k] { k->run(cc.src.data(), cc.kernelWei(), cc.bia.data(), dst.data(), l.mb, l.iw, nullptr); });
        timed.push_back(&a);
    }
    const Rounds t = interleavedRounds(runs, minTime * 2, 5);
    // GFLOP/s from each kernel's median; the ratios paired round by round (Rounds::speedup). The tuned
    // kernel is compared with each autoscheduler and the smaller ratio shown.
    std::map<std::string, size_t> index{{"default", 0}};  // kernel -> its place in the rounds
    for (size_t i = 0; i < timed.size(); ++i) index[timed[i]->name] = i + 1;
    if (tuned && sameAsDefault) index["tuned"] = 0;
    std::map<std::string, double> g;
    for (const auto &[name, i] : index) g[name] = flops / t.median(i) * 1e-9;
    auto cell = [&](const std::string &k) {
        char buf[32];
        if (!g.count(k)) return std::string("-");
        std::snprintf(buf, sizeof buf, "%.2f", g[k]);
        return std::string(buf);
    };
    double overDefault = 0, overAuto = 0;
    if (index.count("tuned")) {
        overDefault = t.speedup(0, index["tuned"]);
        for (const char *as : {"Adams2019", "Mullapudi2016"})
            if (index.count(as)) {
                const double s = t.speedup(index[as], index["tuned"]);
                overAuto = overAuto > 0 ? std::min(overAuto, s) : s;
            }
    }
    for (const auto &[name, v] : g) row[name == "default" ? "default_gflops" : name + "_gflops"] = v;
    if (overDefault > 0) row["tuned_over_default"] = overDefault;
    if (overAuto > 0) row["tuned_over_autoschedulers"] = overAuto;
    char line[512];
    std::snprintf(line, sizeof line, "%-18s %9s %9s %9s %9s %8.2f %8.2f  %s\n", l.name.c_str(), cell("default").c_str(),
                  cell("tuned").c_str(), cell("Adams2019").c_str(), cell("Mullapudi2016").c_str(), overDefault,
                  overAuto, tuned ? plan.schedule.str().c_str() : alts[0].note.c_str());
    std::string out = line;
    for (const Alt &a : alts)
        if (!a.kernel && !a.note.empty() && a.name != "tuned") out += "    " + a.name + ": " + a.note.substr(0, 200) + "\n";
    return out;
}

// The layer as convgen is deployed: its weights in the Owi16o layout (packed once, outside the
// call) where that changes convgen's default schedule, else as PyTorch has them.
Layer deployed(Layer l, const TargetVariant &variant) {
    Layer blocked = l;
    blocked.desc.wei_layout = CONVGEN_WEI_OWI16O;
    if ((l.desc.oc / l.desc.g) % CONVGEN_WEI_BLOCK == 0 &&
        chooseSchedule(blocked.desc, variant, nullptr).str() != chooseSchedule(l.desc, variant, nullptr).str())
        return blocked;
    return l;
}

int runThreads(std::vector<Layer> layers, int threads, double minTime, const std::string &jsonPath,
               const std::string &dbPath) {
    const char *wanted = std::getenv("CONVGEN_BENCH_TARGET");
    const std::optional<TargetVariant> chosen = variantNamed(wanted ? wanted : "host");
    if (!chosen || !chosen->runsHere || chosen->gpu) {
        std::fprintf(stderr, "convgen-bench: CONVGEN_BENCH_TARGET=%s is not a CPU target this machine runs\n", wanted);
        return 1;
    }
    const TargetVariant variant = *chosen;
    for (Layer &l : layers) l = deployed(l, variant);
    const Ceilings c = measureCeilings(threads, convgen_cpu_has_avx512() && variant.name == "x86-64-avx512");
    std::printf("threads %d: convgen variant %s; f32 FMA peak %.1f GFLOP/s (AVX2 %.1f), triad %.1f GB/s (L3-sized, "
                "%.0f MiB), %.1f GB/s (DRAM-sized), L3 %.0f MiB\n", threads, variant.name.c_str(), c.peakGflops,
                c.peakAvx2Gflops, c.l3Gbps, double(c.l3TriadBytes) / 1048576, c.dramGbps, c.l3Bytes / 1048576);

    // Inputs and references first; the Python peers then run over all layers in one process each.
    char dirModel[] = "/tmp/convgen_bench_XXXXXX";
    const std::string dir = mkdtemp(dirModel);
    std::vector<CheckCase> cases;
    llvm::json::Array layerJson;
    for (const Layer &l : layers) {
        cases.push_back(makeCase(l.desc, l.mb, l.iw, Fill::Random, 1));
        writeBytes(dir + "/" + l.name + ".src.f32", cases.back().src);
        writeBytes(dir + "/" + l.name + ".wei.f32", cases.back().wei);
        writeBytes(dir + "/" + l.name + ".bia.f32", cases.back().bia);
        layerJson.push_back(llvm::json::Object{{"name", l.name}, {"mb", l.mb}, {"ic", l.desc.ic}, {"oc", l.desc.oc},
                                               {"iw", l.iw}, {"kw", l.desc.kw}, {"sw", l.desc.sw}, {"dw", l.desc.dw},
                                               {"pw_l", l.desc.pw_l}, {"pw_r", l.desc.pw_r}, {"g", l.desc.g},
                                               {"bias", l.desc.bias}});
    }
    {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << llvm::json::Value(std::move(layerJson));
        std::ofstream(dir + "/layers.json") << os.str();
    }
    // The Python peers: one helper process each, called once per round.
    std::map<std::string, std::unique_ptr<PythonPeer>> pythonPeers;
    const std::pair<const char *, std::string> peers[] = {
        {"torch", CONVGEN_SYSTEM_PYTHON}, {"onnxruntime", CONVGEN_VENV_PYTHON}};
    for (const auto &[name, python] : peers) {
        std::string why;
        if (auto peer = PythonPeer::start(python, CONVGEN_PEERS_SCRIPT, name, dir, threads, &why))
            pythonPeers[name] = std::move(peer);
        else
            std::printf("note: %s skipped: %s\n", name, why.c_str());
    }

    std::printf("%-18s %8s %6s %6s %9s %9s %9s %9s %9s %7s %-14s %6s %6s\n", "layer", "convgen", "%peak", "%roof",
                "dnnl-ncw", "dnnl-any", "dnnl-2d", "torch", "ort", "naive", "best peer", "ratio", "paired");
    llvm::json::Array rows;
    std::vector<double> ratios, pairedRatios;
    std::unique_ptr<TuningDb> db;
    std::string scheduleTable;
    if (!dbPath.empty()) {
        std::string error;
        if (!(db = TuningDb::open(dbPath, false, &error))) {
            std::fprintf(stderr, "convgen-bench: %s\n", error.c_str());
            return 1;
        }
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const Layer &l = layers[i];
        const CheckCase &cc = cases[i];
        const double flops = 2.0 * double(l.mb * l.desc.oc * cc.ow) * double(l.desc.ic / l.desc.g * l.desc.kw);
        const double bytes = 4.0 * double(cc.src.size() / 4 + cc.wei.size() / 4 + cc.bia.size() / 4 + cc.want.size());
        std::string error;
        // The kernel users deploy: with --db, the schedule `generate --db` takes for this thread count.
        Conv1dSpec spec;
        spec.name = l.name, spec.desc = l.desc;
        const VariantPlan plan =
            planKernel(spec, TargetFamily{"", "", "", {variant}}, nullptr, db.get(), threads).variants.front();
        auto kernel = JitKernel::build(l.desc, "bench_" + l.name, variant, &plan.schedule, &error);
        if (!kernel) {
            std::printf("%-18s convgen failed to compile: %s\n", l.name.c_str(), error.c_str());
            continue;
        }
        auto convgenFn = [&](const void *s, const void *w, const void *b, void *o, int64_t n, int64_t len,
                             std::string *e) { return kernel->run(s, w, b, o, n, len, e); };
        CheckResult ok = checkCase(l.desc, cc, convgenFn);
        const double packMs = 1e3 * packingSeconds(l.desc, cc);  // made once, not in the kernel's time
        std::map<std::string, double> gflops;  // per implementation, checked ones only
        std::map<std::string, std::string> notes;
        std::vector<float> dst(cc.want.size());
        auto dnnl = OneDnnPeer::create(l.desc, l.mb, l.iw, reinterpret_cast<const float *>(cc.src.data()),
                                       reinterpret_cast<const float *>(cc.wei.data()),
                                       reinterpret_cast<const float *>(cc.bia.data()), &error);
        // oneDNN's forms that it builds and that compute the right result; the reorders its own layouts
        // cost a caller with ncw data, timed apart (not in its time, as convgen's weight packing).
        std::vector<OneDnnPeer::Form> dnnlOk;
        std::map<std::string, OneDnnPeer::Reorders> reorders;
        if (dnnl) {
            for (OneDnnPeer::Form f : OneDnnPeer::kForms) {
                std::string why;
                if (!dnnl->available(f, &why)) {
                    notes[OneDnnPeer::name(f)] = why;
                    continue;
                }
                dnnl->run(f);
                if (!checkCase(l.desc, cc, replay(dnnl->output(f))).pass) {
                    notes[OneDnnPeer::name(f)] = "wrong result";
                    continue;
                }
                dnnlOk.push_back(f);
                if (f != OneDnnPeer::kPlain) reorders[OneDnnPeer::name(f)] = dnnl->reorders(f);
            }
        } else if (i == 0) {
            std::printf("note: %s\n", error.c_str());
        }
        // The naive reference (double accumulation, one thread), one call.
        std::vector<double> refOut(cc.want.size());
        const double naive = flops / timed([&] {
            convgen_reference_conv1d(&l.desc, l.mb, l.iw, cc.src.data(), cc.wei.data(), cc.bia.data(), refOut.data(),
                                     nullptr);
        }) * 1e-9;
        // The Python peers' outputs, checked like the others.
        std::vector<std::pair<std::string, PythonPeer *>> pythonOk;
        for (const auto &[name, peer] : pythonPeers) {
            std::string why;
            if (!peer->prepare(l.name, &why)) {
                notes[name] = why;
                continue;
            }
            std::vector<float> out = readFloats(dir + "/" + l.name + "." + name + ".out.f32");
            if (out.size() == cc.want.size() && checkCase(l.desc, cc, replay(out)).pass)
                pythonOk.push_back({name, peer.get()});
            else
                notes[name] = "wrong result";
        }
        // Interleaved rounds: convgen, oneDNN's forms and the Python peers (those that passed the
        // check), the Python peers timed in their process around the call alone. Each timed call
        // follows kWarmSeconds of untimed ones of the same implementation, so each finds its own
        // data in cache (benchdnn's default), and each such turn starts kSettle after the last one
        // ended: the thread pools of oneDNN and PyTorch (OpenMP) and ONNX Runtime spin for a while
        // after a call, and on 2 threads whatever ran next shared the cores with them (convgen 38 and
        // 97 GFLOP/s on wav2vec2_fe0 and whisper_conv1, 94-128 and 239 alone; 72 and 157 after a
        // 20 ms pause, 73 and 190-222 after 100 ms).
        double convgen = 0;
        std::map<std::string, double> paired;  // convgen / each peer, the median of per-round ratios
        if (ok.pass) {
            auto settle = [] { std::this_thread::sleep_for(kSettle); };
            auto warmThenTimed = [settle](std::function<void()> run) {
                return [run, settle] {
                    settle();
                    for (double warm = 0; warm < kWarmSeconds;) warm += timed(run);
                    return timed(run);
                };
            };
            std::vector<std::function<double()>> runs = {warmThenTimed(
                [&] { kernel->run(cc.src.data(), cc.kernelWei(), cc.bia.data(), dst.data(), l.mb, l.iw, nullptr); })};
            std::vector<std::string> names = {"convgen"};
            for (OneDnnPeer::Form f : dnnlOk)
                runs.push_back(warmThenTimed([&, f] { dnnl->run(f); })), names.push_back(OneDnnPeer::name(f));
            for (const auto &[name, peer] : pythonOk)
                runs.push_back([peer, settle] { return settle(), peer->run(kWarmSeconds); }), names.push_back(name);
            const Rounds t = interleavedSelfTimedRounds(runs, minTime * double(runs.size()), kMinRounds);
            convgen = flops / t.median(0) * 1e-9;
            for (size_t k = 1; k < names.size(); ++k) {
                const bool gone = std::any_of(t.seconds.begin(), t.seconds.end(),
                                              [k](const std::vector<double> &round) { return std::isnan(round[k]); });
                if (gone) notes[names[k]] = "its helper exited";
                else gflops[names[k]] = flops / t.median(k) * 1e-9, paired[names[k]] = t.speedup(k, 0);
            }
        }
        std::string best = "-";
        double bestGflops = 0;
        for (const auto &[name, g] : gflops)
            if (g > bestGflops) best = name, bestGflops = g;
        const double ai = flops / bytes;
        const double bw = bytes <= c.l3Bytes ? c.l3Gbps : c.dramGbps;
        const double roof = std::min(c.peakGflops, ai * bw);
        // Where the roofline is the bandwidth's, also the triad over the layer's own src, wei and dst
        // bytes (after the same pause as a timed call, so the peers' thread pools are quiet): the
        // L3-sized triad's arrays take 4-8 MiB, and a larger working set that fits the L3 can stream
        // far slower on a shared VM (mamba_causal_dw's 25 MB: 30-52 GB/s on 1 thread of the 2-vCPU
        // EPYC, where the 4 MiB triad ran at 72-87).
        double ownGbps = 0;
        if (ai * bw < c.peakGflops) {
            std::this_thread::sleep_for(kSettle);
            ownGbps = triadGbps(threads, size_t(bytes));
        }
        const double ratio = bestGflops > 0 && convgen > 0 ? convgen / bestGflops : 0;
        const double ratioPaired = paired.count(best) ? paired[best] : 0;
        if (ratio > 0) ratios.push_back(ratio), pairedRatios.push_back(ratioPaired);
        auto cell = [&](const char *k) {
            auto it = gflops.find(k);
            return it == gflops.end() ? std::string("-") : std::to_string(it->second).substr(0, 7);
        };
        std::printf("%-18s %8.2f %5.0f%% %5.0f%% %9s %9s %9s %9s %9s %7.3f %-14s %6.2f %6.2f%s\n", l.name.c_str(),
                    convgen, 100 * convgen / c.peakGflops, 100 * convgen / roof, cell("oneDNN-ncw").c_str(),
                    cell("oneDNN-any").c_str(), cell("oneDNN-2d").c_str(), cell("torch").c_str(),
                    cell("onnxruntime").c_str(), naive, best.c_str(), ratio, ratioPaired,
                    ok.pass ? "" : ("  convgen WRONG: " + ok.failure).c_str());
        if (packMs > 0)
            std::printf("    convgen: weights in the %s layout, packed once by convgen_conv1d_pack_weights in %.2f ms "
                        "(not in the time above)\n", toString(l.desc.wei_layout), packMs);
        if (ownGbps > 0)
            std::printf("    convgen: %.0f %% of the roofline at the triad over its own %.1f MB (%.1f GB/s)\n",
                        100 * convgen / (ai * ownGbps), bytes / 1e6, ownGbps);
        for (const auto &[name, r] : reorders)
            std::printf("    %s: reorders from and to ncw, not in its time: src %.3f ms and dst %.3f ms per call, "
                        "weights %.3f ms once\n", name.c_str(), r.srcMs, r.dstMs, r.weiMs);
        for (const auto &[name, why] : notes) std::printf("    %s: %s\n", name.c_str(), why.substr(0, 200).c_str());
        std::fflush(stdout);
        llvm::json::Object row{{"name", l.name},
                               {"threads", threads},
                               {"convgen_gflops", convgen},
                               {"best_peer", best},
                               {"best_peer_gflops", bestGflops},
                               {"ratio", ratio},
                               {"ratio_paired", ratioPaired},
                               {"peak_pct", 100 * convgen / c.peakGflops},
                               {"roofline_pct", 100 * convgen / roof},
                               {"own_size_triad_gbps", ownGbps},
                               {"own_size_roofline_pct", ownGbps > 0 ? 100 * convgen / (ai * ownGbps) : 0.0},
                               {"schedule", kernel->schedule().str()},
                               {"weight_layout", toString(l.desc.wei_layout)},
                               {"pack_ms", packMs}};
        for (const auto &[name, g] : gflops) row[name + "_gflops"] = g;
        row["naive_gflops"] = naive;
        for (const auto &[name, r] : reorders) {
            row[name + "_src_reorder_ms"] = r.srcMs;
            row[name + "_dst_reorder_ms"] = r.dstMs;
            row[name + "_wei_reorder_ms"] = r.weiMs;
        }
        if (db && ok.pass) scheduleTable += scheduleRow(l, cc, variant, plan, *kernel, threads, minTime, flops, row);
        rows.push_back(std::move(row));
    }
    auto geomean = [](const std::vector<double> &v) {
        double sum = 0;
        for (double r : v) sum += std::log(r);
        return std::exp(sum / double(v.size()));
    };
    auto atLeastOne = [](const std::vector<double> &v) { return long(std::count_if(v.begin(), v.end(), [](double r) { return r >= 1; })); };
    if (!ratios.empty())
        std::printf("threads %d: geometric mean of convgen / best peer = %.2f over %zu layers (paired %.2f); convgen "
                    "at least as fast on %ld (paired %ld)\n", threads, geomean(ratios), ratios.size(),
                    geomean(pairedRatios), atLeastOne(ratios), atLeastOne(pairedRatios));
    if (db)
        std::printf("\nthreads %d, schedules (GFLOP/s, interleaved), database %s:\n%-18s %9s %9s %9s %9s %8s %8s  %s\n%s",
                    threads, dbPath.c_str(), "layer", "default", "tuned", "Adams2019", "Mullapudi", "tun/def",
                    "tun/auto", "tuned schedule", scheduleTable.c_str());
    std::system(("rm -rf " + dir).c_str());
    if (!jsonPath.empty()) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << llvm::formatv("{0:2}", llvm::json::Value(std::move(rows))) << "\n";
        std::ofstream(jsonPath) << os.str();
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    std::string suite, json, threadList = "1,2", only, db;
    double minTime = 0.5;
    bool child = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "convgen-bench: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        } else if (a == "--suite") suite = value();
        else if (a == "--json") json = value();
        else if (a == "--threads") threadList = value();
        else if (a == "--min-time") minTime = std::atof(value().c_str());
        else if (a == "--layers") only = value();
        else if (a == "--db") db = value();
        else if (a == "--child") child = true;
        else {
            std::fprintf(stderr, "convgen-bench: unknown option %s\n\n%s", a.c_str(), kHelp);
            return 2;
        }
    }
    if (suite.empty()) {
        std::fprintf(stderr, "convgen-bench: give --suite CSV\n\n%s", kHelp);
        return 2;
    }
    std::string error;
    std::vector<Layer> layers = readSuiteCsv(suite, &error);
    if (layers.empty()) {
        std::fprintf(stderr, "convgen-bench: %s\n", error.empty() ? "no layers" : error.c_str());
        return 1;
    }
    if (!only.empty()) {
        std::vector<Layer> kept;
        for (const Layer &l : layers)
            if (("," + only + ",").find("," + l.name + ",") != std::string::npos) kept.push_back(l);
        layers = kept;
    }
    if (child) return runThreads(layers, std::atoi(threadList.c_str()), minTime, json, db);
    // One process per thread count: Halide's JIT thread pool and OpenMP read their size at start.
    llvm::json::Array all;
    int status = 0;
    std::stringstream ss(threadList);
    for (std::string t; std::getline(ss, t, ',');) {
        const std::string part = json.empty() ? "" : json + ".threads" + t;
        // OMP_WAIT_POLICY=passive: spinning OpenMP workers would steal the cores from the interleaved
        // convgen runs (whisper_conv1 on 2 threads measured 64 instead of 138 GFLOP/s).
        std::string cmd = "HL_NUM_THREADS=" + t + " OMP_NUM_THREADS=" + t + " OMP_WAIT_POLICY=passive /proc/" + std::to_string(getpid()) +
                          "/exe --child --suite '" + suite + "' --threads " + t + " --min-time " +
                          std::to_string(minTime) + (only.empty() ? "" : " --layers '" + only + "'") + (db.empty() ? "" : " --db '" + db + "'") +
                          (part.empty() ? "" : " --json '" + part + "'");
        if (std::system(cmd.c_str()) != 0) status = 1;
        if (!part.empty()) {
            std::ifstream in(part);
            std::stringstream text;
            text << in.rdbuf();
            if (auto v = llvm::json::parse(text.str()); v && v->getAsArray())
                for (auto &row : *v->getAsArray()) all.push_back(row);
            std::remove(part.c_str());
        }
        std::printf("\n");
    }
    if (!json.empty()) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << llvm::formatv("{0:2}", llvm::json::Value(std::move(all))) << "\n";
        std::ofstream(json + ".tmp") << os.str();
        std::rename((json + ".tmp").c_str(), json.c_str());
    }
    return status;
}
