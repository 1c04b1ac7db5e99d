// Tuner: check, time, compare with the incumbent, store; one trial at a time.
#include "Tuner.h"

#include "SearchSpace.h"
#include "compiler/jit/JitKernel.h"
#include "compiler/spec/Conv1dSpec.h"
#include "compiler/verify/KernelCheck.h"
#include "compiler/verify/Timing.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <tuple>

namespace convgen {

namespace {

// A challenger must look this much faster in its own timing before the paired re-timing (challenge)...
constexpr double kPromising = 0.98;
// ... and be at least this much faster than the incumbent in two paired windows to replace it. Without
// a margin, a search of ~80 near-equal candidates on a shared machine promoted noise: tuned kernels the
// tuner had timed 1.01-1.39x faster than the default ran 0.84-0.97x of it in convgen-bench (suite run
// before this rule; re-timed four ways, paired, among other kernels, after a cache flush and alone,
// whisper_conv1's winner was 0.87-1.01x of the default, mostly 0.92-0.98).
constexpr double kMinGain = 0.97;
// The search's winner is the best of dozens of noisy comparisons, so its measured gain is biased
// upward (the winner's curse). Before it is stored it is timed once more against the default itself,
// in fresh paired windows, and kept only when the median of those says it is at least 2 % faster.
// Why: conformer_pw's 4x6 tile won the search in four suite tunes (claimed 1.05-1.07x) and ran
// 0.97-0.99x of the default in every benchmark run; re-timed alone it took 0.92-1.03x the default's
// time. In the first suite tune with this check, whisper_conv1's 3x6 tile (1 thread) was 0.95x here.
constexpr double kConfirmGain = 0.98;
constexpr int kConfirmWindows = 3;

std::string clock(double seconds) {
    const long s = long(seconds + 0.5);
    std::ostringstream o;
    if (s >= 60) o << s / 60 << "m";
    o << s % 60 << "s";
    return o.str();
}

// Inputs for timing: constant, non-denormal values (the kernels' speed does not depend on them).
std::vector<uint8_t> filled(const convgen_conv1d_desc &d, int64_t elements) {
    const int size = convgen_dtype_size(d.dtype);
    std::vector<uint8_t> v(size_t(std::max<int64_t>(elements, 1)) * size_t(size));
    const float f = 0.5f;
    const uint16_t f16 = 0x3800, bf16 = 0x3f00;  // 0.5 in each format
    for (size_t i = 0; i < v.size(); i += size_t(size)) {
        if (d.dtype == CONVGEN_F32) std::memcpy(&v[i], &f, 4);
        else std::memcpy(&v[i], d.dtype == CONVGEN_F16 ? &f16 : &bf16, 2);
    }
    return v;
}

}  // namespace

TuneReport tuneKernel(const std::string &name, const convgen_conv1d_desc &d, const TargetVariant &t, TuningDb &db,
                      const TuneOptions &opt, std::ostream &log) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    TuneReport rep;
    const std::streamsize precision = log.precision(4);
    struct Restore {
        std::ostream &o;
        std::streamsize p;
        ~Restore() { o.precision(p); }
    } restore{log, precision};
    const TuningKey key = TuningKey::here(problemString(d), t.name);
    const int64_t mb = d.mb > 0 ? d.mb : opt.mb, iw = d.iw > 0 ? d.iw : opt.iw;
    const int64_t ow = convgen_conv1d_output_length(&d, iw);
    const std::string sizes = "batch=" + std::to_string(mb) + " length=" + std::to_string(iw);
    const std::vector<ScheduleParams> space = searchSpace(d, t);
    std::map<std::string, TuningTrial> done;
    for (const TuningTrial &tr : db.trials(key)) done[tr.schedule] = tr;
    rep.resumed = int(done.size());

    const std::vector<uint8_t> src = filled(d, mb * d.ic * iw), bia = filled(d, d.oc);
    std::vector<uint8_t> wei = filled(d, d.oc * (d.ic / d.g) * d.kw);
    if (std::vector<uint8_t> packed = packedWeights(d, wei); !packed.empty()) wei = std::move(packed);
    std::vector<uint8_t> dst(size_t(mb * d.oc * ow) * size_t(convgen_dtype_size(d.dtype)));
    auto runner = [&](const JitKernel &k, const ScheduleParams &p, bool confirming = false) {
        return [&, confirming] {
            if (opt.beforeTimedRun) opt.beforeTimedRun(p, confirming);
            k.run(src.data(), wei.data(), bia.data(), dst.data(), mb, iw, nullptr);
        };
    };
    // Reference outputs per (batch, length, fill), computed once: candidates share most check sizes.
    std::map<std::tuple<int64_t, int64_t, int>, CheckCase> cases;
    // Builds and checks a schedule against the reference; null with *why when it fails or is wrong.
    auto prepare = [&](const ScheduleParams &p, bool *wrong, std::string *why) -> std::unique_ptr<JitKernel> {
        *wrong = false;
        auto k = JitKernel::build(d, "tune_" + name, t, &p, why);
        if (!k) return nullptr;
        for (auto [cmb, ciw] : checkSizes(d, outputTile(d, p), p.directFrom, p.batchRows)) {
            for (Fill fill : {Fill::Random, Fill::Integer}) {
                auto id = std::make_tuple(cmb, ciw, int(fill));
                if (!cases.count(id)) cases.emplace(id, makeCase(d, cmb, ciw, fill, 11));
                const CheckCase &c = cases.at(id);
                CheckResult r = checkCase(d, c, [&](const void *s, const void *w, const void *b, void *o, int64_t n,
                                                    int64_t l, std::string *e) {
                    const int rc = k->run(s, w, b, o, n, l, e);
                    if (rc == 0 && opt.corruptOutput)
                        opt.corruptOutput(p, o, size_t(c.want.size()) * size_t(convgen_dtype_size(d.dtype)));
                    return rc;
                });
                if (!r.pass) {
                    *wrong = true;
                    *why = r.failure;
                    return nullptr;
                }
            }
        }
        return k;
    };
    auto store = [&](const ScheduleParams &p, double ms, const std::string &outcome) {
        std::string error;
        if (!db.addTrial(key, {p.str(), ms, outcome}, &error)) {
            log << "  " << error << "\n";
            return false;
        }
        return true;
    };

    // The incumbent starts as the default rule's schedule.
    const ScheduleParams def = space.front();
    bool wrong = false;
    std::string why;
    std::unique_ptr<JitKernel> defaultKernel = prepare(def, &wrong, &why), bestKernel;
    if (!defaultKernel) {
        log << "  default schedule " << def.str() << (wrong ? " is wrong: " : " failed: ") << why << "\n";
        return rep;
    }
    const double defaultSec = medianSeconds(runner(*defaultKernel, def), opt.minTime, 5, 100000);
    ScheduleParams best = def;
    double bestSec = defaultSec;
    if (!done.count(def.str())) {
        if (!store(def, defaultSec * 1e3, "ok")) return rep;
        ++rep.tried;
    }
    // Times k against the incumbent, paired run by run: k wins when it is at least kMinGain faster in a
    // window and again in a longer one. The new best's time is the incumbent's scaled by the smaller of
    // the two gains, so the best stays below the default however the machine's speed drifted between
    // windows (tuned / default is what users read). Returns whether k won and sets *sec to k's time so
    // measured.
    auto challenge = [&](const ScheduleParams &p, std::unique_ptr<JitKernel> &k, double *sec) {
        const JitKernel &incumbent = bestKernel ? *bestKernel : *defaultKernel;
        double ratio = 0;
        for (double window : {opt.minTime, 2 * opt.minTime}) {
            ratio = std::max(ratio, medianRatio(runner(incumbent, best), runner(*k, p), window, 6));
            if (ratio > kMinGain) break;
        }
        *sec = bestSec * ratio;
        if (ratio > kMinGain) return false;
        best = p, bestSec *= ratio, bestKernel = std::move(k);
        return true;
    };
    // Resuming: the best stored trial of an earlier run is re-timed against the default now.
    const TuningTrial *stored = nullptr;
    for (const auto &[s, tr] : done)
        if (tr.outcome == "ok" && s != def.str() && (!stored || tr.timeMs < stored->timeMs)) stored = &tr;
    if (stored) {
        if (auto p = ScheduleParams::parse(stored->schedule)) {
            double sec = 0;
            if (auto k = prepare(*p, &wrong, &why)) challenge(*p, k, &sec);
        }
    }
    log << "  default " << def.str() << ": " << defaultSec * 1e3 << " ms (" << sizes << ")";
    if (rep.resumed) log << "; resuming after " << rep.resumed << " stored trials, best " << best.str();
    log << "\n";

    // The result row holds the default until a winner is confirmed at the end; a killed run leaves
    // its trials, and the next run re-times their best and goes on.
    std::string error;
    auto offer = [&] {
        if (db.offer({key, best.str(), bestSec * 1e3, defaultSec * 1e3, sizes, ""}, &error)) return true;
        log << "  " << error << "\n";
        return false;
    };
    if (!offer()) return rep;
    const int total = int(space.size());
    int index = 0;
    for (const ScheduleParams &p : space) {
        ++index;
        if (p.str() == def.str() || done.count(p.str())) continue;
        if (opt.trials > 0 && rep.tried + rep.resumed >= opt.trials) break;
        if (opt.budgetSeconds > 0 && elapsed() >= opt.budgetSeconds) break;
        ++rep.tried;
        auto k = prepare(p, &wrong, &why);
        if (!k) {
            ++(wrong ? rep.wrong : rep.failed);
            log << "  [" << index << "/" << total << "] " << p.str() << ": rejected, "
                << (wrong ? "wrong result: " : "failed: ") << why << "\n";
            if (!store(p, 0, (wrong ? "wrong: " : "failed: ") + why)) return rep;
            continue;
        }
        double sec = medianSeconds(runner(*k, p), opt.minTime / 2, 3, 100000);
        std::string note;
        if (sec < bestSec * kPromising && challenge(p, k, &sec)) note = "  new best";
        if (!store(p, sec * 1e3, "ok")) return rep;
        log << "  [" << index << "/" << total << "] " << p.str() << ": " << sec * 1e3 << " ms; best " << bestSec * 1e3
            << " ms = " << defaultSec / bestSec << "x default" << note;
        if (opt.budgetSeconds > 0) log << "; " << clock(std::max(0.0, opt.budgetSeconds - elapsed())) << " left";
        log << "\n";
        log.flush();
    }
    if (bestKernel) {
        std::vector<double> ratios;
        for (int w = 0; w < kConfirmWindows; ++w)
            ratios.push_back(
                medianRatio(runner(*defaultKernel, def, true), runner(*bestKernel, best, true), 2 * opt.minTime, 6));
        const double ratio = median(ratios);
        log << "  confirming " << best.str() << " against the default: " << 1 / ratio << "x";
        if (ratio <= kConfirmGain) {
            bestSec = defaultSec * ratio;
            log << ", stored\n";
        } else {
            best = def, bestSec = defaultSec;
            log << ", less than " << 1 / kConfirmGain << "x: the default stays\n";
        }
        if (best.str() != def.str() && !offer()) return rep;
    }
    rep.best = best.str();
    rep.bestMs = bestSec * 1e3;
    rep.defaultMs = defaultSec * 1e3;
    rep.ok = true;
    return rep;
}

}  // namespace convgen
