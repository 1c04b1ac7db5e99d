// StaticLibrary: Halide multitarget compilation per kernel, merged into one deterministic archive.
#include "StaticLibrary.h"

#include "compiler/algorithm/Conv1dAlgorithm.h"
#include "compiler/schedule/Candidates.h"
#include "compiler/target/HalideDiagnostics.h"
#include "compiler/target/LlvmOptions.h"

#include <llvm/Object/Archive.h>
#include <llvm/Object/ArchiveWriter.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>

namespace convgen {

namespace {

std::string scratch(const std::string &dir, const std::string &file) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, file);
    return std::string(p.str());
}

Halide::Module compileVariant(const KernelPlan &k, const VariantPlan &v, const std::string &fnName,
                              const Halide::Target &target) {
    Conv1dFuncs f = defineConv1d(k.spec.desc, k.spec.name, algorithmOptionsFor(v.schedule));
    std::string error;
    if (!applySchedule(f, v.schedule, &error)) throw std::runtime_error(k.spec.name + ": " + error);
    return f.pipeline().compile_to_module(f.arguments(), fnName, target);
}

// Runs `work` (which writes files) in a child process and waits for it; false with the child's
// error (its exception's message) in *error. Halide names what it generates from process-wide
// counters, one per hash bucket of a name (Halide::Internal::unique_name), so in one process a
// kernel's symbol names, and so its object's bytes, depended on which kernels were compiled before
// it (e.g. 12 dense kernels before one of 8 -> 8 channels; seen with and without specializations).
// Each kernel in a fresh child compiles as if alone. (`generate` runs no other threads: a lock held
// by one at the fork would stay held in the child.)
bool runIsolated(const std::function<void()> &work, std::string *error) {
    int fds[2];
    if (pipe(fds) != 0) {
        *error = "cannot create a pipe to the compiling process";
        return false;
    }
    std::fflush(nullptr);  // the child's exit must not flush the parent's buffers again
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        *error = "cannot start the compiling process";
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        std::string message;
        try {
            work();
        } catch (const Halide::Error &e) {
            message = std::string("Halide: ") + e.what();
        } catch (const std::exception &e) {
            message = e.what();
        }
        if (message.empty()) _exit(0);
        for (size_t done = 0; done < message.size();) {
            const ssize_t n = write(fds[1], message.data() + done, message.size() - done);
            if (n <= 0) break;
            done += size_t(n);
        }
        _exit(1);
    }
    close(fds[1]);
    std::string message;
    char chunk[4096];
    for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) > 0;) message.append(chunk, size_t(n));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    *error = !message.empty() ? message
             : WIFSIGNALED(status) ? "the compiling process died of signal " + std::to_string(WTERMSIG(status))
                                   : "the compiling process failed";
    return false;
}

// Objects of one kernel's archive, renamed `<kernel>_<i>.o` so member names are stable.
bool collectMembers(const std::string &archivePath, const std::string &kernel,
                    std::vector<std::unique_ptr<llvm::MemoryBuffer>> &keep, std::deque<std::string> &names,
                    std::vector<llvm::NewArchiveMember> &members, std::string *error) {
    auto buffer = llvm::MemoryBuffer::getFile(archivePath, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) {
        *error = "cannot read " + archivePath + ": " + buffer.getError().message();
        return false;
    }
    auto archive = llvm::object::Archive::create((*buffer)->getMemBufferRef());
    if (!archive) {
        *error = "cannot open archive " + archivePath + ": " + llvm::toString(archive.takeError());
        return false;
    }
    llvm::Error err = llvm::Error::success();
    int i = 0;
    for (const llvm::object::Archive::Child &child : (*archive)->children(err)) {
        auto member = llvm::NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
        if (!member) {
            *error = llvm::toString(member.takeError());
            return false;
        }
        keep.push_back(llvm::MemoryBuffer::getMemBufferCopy(member->Buf->getBuffer()));
        llvm::NewArchiveMember copy(keep.back()->getMemBufferRef());
        names.push_back(kernel + "_" + std::to_string(i++) + ".o");
        copy.MemberName = names.back();
        members.push_back(std::move(copy));
    }
    if (err) {
        *error = llvm::toString(std::move(err));
        return false;
    }
    return true;
}

// The PTX module Halide embeds in a GPU kernel's host object, as a NUL-terminated string.
std::string embeddedPtx(llvm::StringRef object) {
    const size_t target = object.find(".target sm_");
    if (target == llvm::StringRef::npos) return "";
    const size_t begin = object.rfind('\0', target) + 1;  // npos + 1 == 0
    const size_t end = object.find('\0', target);
    return object.slice(begin, end).str();
}

}  // namespace

std::string bufferEntryName(const std::string &entry) { return entry + "_buf"; }

bool compileListings(const KernelPlan &k, const std::vector<std::string> &kinds, const std::string &scratchDir,
                     std::vector<std::pair<std::string, std::string>> *files, std::string *error) {
    if (std::error_code ec = llvm::sys::fs::create_directories(scratchDir)) {
        *error = "cannot create " + scratchDir + ": " + ec.message();
        return false;
    }
    installHalideDiagnostics();
    useLlvmOptions();
    for (const VariantPlan &v : k.variants) {
        std::string variant = v.target.name;
        std::replace(variant.begin(), variant.end(), '-', '_');
        std::map<Halide::OutputFileType, std::string> outputs;
        for (const std::string &kind : kinds) {
            const std::string name = k.entry + "_" + variant + (kind == "asm" ? ".s" : ".stmt");
            outputs[kind == "asm" ? Halide::OutputFileType::assembly : Halide::OutputFileType::stmt] =
                scratch(scratchDir, name);
        }
        const bool compiled = runIsolated(
            [&] {
                compileVariant(k, v, bufferEntryName(k.entry), v.target.halide.with_feature(Halide::Target::NoRuntime))
                    .compile(outputs);
            },
            error);
        if (!compiled) return false;
        for (const auto &[type, path] : outputs) {
            auto text = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
            if (!text) {
                *error = "cannot read " + path + ": " + text.getError().message();
                return false;
            }
            files->push_back({llvm::sys::path::filename(path).str(), (*text)->getBuffer().str()});
        }
    }
    return true;
}

bool writeStaticLibrary(const std::vector<KernelPlan> &kernels, const std::string &libraryPath,
                        const std::string &scratchDir, std::string *error,
                        std::vector<std::pair<std::string, std::string>> *ptx) {
    std::vector<std::unique_ptr<llvm::MemoryBuffer>> keep;
    std::vector<llvm::NewArchiveMember> members;
    std::deque<std::string> names;  // owns member names for the writer
    Halide::Target baseline;
    if (std::error_code ec = llvm::sys::fs::create_directories(scratchDir)) {
        *error = "cannot create " + scratchDir + ": " + ec.message();
        return false;
    }
    installHalideDiagnostics();
    useLlvmOptions();
    try {
        for (const KernelPlan &k : kernels) {
            std::vector<Halide::Target> targets;
            std::vector<std::string> suffixes;
            for (const VariantPlan &v : k.variants) {
                targets.push_back(v.target.halide.with_feature(Halide::Target::NoRuntime));
                std::string suffix = v.target.name;
                for (char &c : suffix)
                    if (c == '-') c = '_';
                suffixes.push_back(suffix);
            }
            baseline = k.variants.back().target.halide;
            const std::string archive = scratch(scratchDir, k.entry + ".a");
            const bool compiled = runIsolated(
                [&] {
                    Halide::compile_multitarget(
                        bufferEntryName(k.entry), {{Halide::OutputFileType::static_library, archive}}, targets,
                        suffixes, [&](const std::string &fnName, const Halide::Target &target) {
                            // Halide names each variant's function <entry>-<suffix> (just <entry> when alone).
                            const std::string entry = bufferEntryName(k.entry);
                            for (size_t i = 0; i < k.variants.size(); ++i) {
                                if (fnName == entry + "-" + suffixes[i] || fnName == entry + "_" + suffixes[i])
                                    return compileVariant(k, k.variants[i], fnName, target);
                            }
                            if (k.variants.size() == 1) return compileVariant(k, k.variants[0], fnName, target);
                            throw std::runtime_error("unexpected variant function name " + fnName);
                        });
                },
                error);
            if (!compiled) return false;
            const size_t first = members.size();
            if (!collectMembers(archive, k.entry, keep, names, members, error)) return false;
            if (ptx && k.onGpu()) {
                for (size_t i = first; i < members.size(); ++i) {
                    std::string text = embeddedPtx(members[i].Buf->getBuffer());
                    if (!text.empty()) ptx->push_back({k.entry, text});
                }
            }
        }
        const std::string runtime = scratch(scratchDir, "halide_runtime.o");
        Halide::compile_standalone_runtime(runtime, baseline);
        auto buffer = llvm::MemoryBuffer::getFile(runtime, false, false);
        if (!buffer) {
            *error = "cannot read the Halide runtime object: " + buffer.getError().message();
            return false;
        }
        keep.push_back(std::move(*buffer));
        llvm::NewArchiveMember rt(keep.back()->getMemBufferRef());
        rt.MemberName = "halide_runtime.o";
        members.push_back(std::move(rt));
    } catch (const Halide::Error &e) {
        *error = std::string("Halide: ") + e.what();
        return false;
    } catch (const std::exception &e) {
        *error = e.what();
        return false;
    }
    llvm::Error err = llvm::writeArchive(libraryPath, members, llvm::SymtabWritingMode::NormalSymtab,
                                         llvm::object::Archive::K_GNU, /*Deterministic=*/true, /*Thin=*/false);
    if (err) {
        *error = "cannot write " + libraryPath + ": " + llvm::toString(std::move(err));
        return false;
    }
    return true;
}

}  // namespace convgen
