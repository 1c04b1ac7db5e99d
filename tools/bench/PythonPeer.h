// PythonPeer: a framework's conv1d (PyTorch, ONNX Runtime) in a helper process (tools/bench/peers.py)
// that runs one call per request, so the bench times it in the same rounds as convgen and oneDNN.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <string>

namespace convgen::bench {

class PythonPeer {
public:
    // Starts `python script framework dir threads` with pipes to and from it; null and *why when it
    // cannot start or the framework is not installed for that python.
    static std::unique_ptr<PythonPeer> start(const std::string &python, const std::string &script,
                                             const std::string &framework, const std::string &dir, int threads,
                                             std::string *why);
    ~PythonPeer();  // asks the helper to quit and waits for it
    const std::string &version() const { return version_; }
    // Builds the call of `layer` (named in dir/layers.json), runs it once and writes its output to
    // dir/<layer>.<framework>.out.f32; false and *why when the framework refuses it.
    bool prepare(const std::string &layer, std::string *why);
    // Untimed calls of the prepared layer for warmSeconds (they warm the caches), then one timed: the
    // seconds the helper measured around it (not the pipe's round trip); NaN when the helper is gone.
    double run(double warmSeconds);

private:
    PythonPeer() = default;
    std::string ask(const std::string &line);  // "" when the helper is gone
    pid_t pid_ = -1;
    FILE *to_ = nullptr, *from_ = nullptr;
    std::string version_;
};

}  // namespace convgen::bench
