// Manifest: the JSON record of generated files, kernels and schedules.
#include "Manifest.h"

#include "StaticLibrary.h"

#include <Halide.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

namespace convgen {

std::string manifestText(const std::vector<EmittedSpec> &specs, const std::string &target) {
    llvm::json::Array files;
    for (const EmittedSpec &s : specs) {
        llvm::json::Array libraries;
        for (const EmittedLibrary &l : s.libraries) {
            llvm::json::Array kernels;
            for (const KernelPlan &k : l.kernels) {
                llvm::json::Array variants;
                for (const VariantPlan &v : k.variants) {
                    variants.push_back(llvm::json::Object{{"target", v.target.name},
                                                          {"halide_target", v.target.halide.to_string()},
                                                          {"schedule", v.schedule.str()},
                                                          {"schedule_source", v.scheduleSource}});
                }
                kernels.push_back(llvm::json::Object{{"name", k.spec.name},
                                                     {"problem", problemString(k.spec.desc)},
                                                     {"spec_hash", specHash(k.spec)},
                                                     {"c_entry", k.entry},
                                                     {"buffer_entry", bufferEntryName(k.entry)},
                                                     {"variants", std::move(variants)}});
            }
            llvm::json::Array ptx;
            for (const std::string &p : l.ptx) ptx.push_back(p);
            libraries.push_back(llvm::json::Object{{"arch", l.arch},
                                                   {"library", l.library},
                                                   {"header", l.header},
                                                   {"ptx", std::move(ptx)},
                                                   {"kernels", std::move(kernels)}});
        }
        files.push_back(llvm::json::Object{{"spec", s.specPath}, {"libraries", std::move(libraries)}});
    }
    llvm::json::Value root = llvm::json::Object{
        {"generator", "convgen " CONVGEN_VERSION},
        {"halide_version", std::to_string(HALIDE_VERSION_MAJOR) + "." + std::to_string(HALIDE_VERSION_MINOR) + "." +
                               std::to_string(HALIDE_VERSION_PATCH)},
        {"target", target},
        {"specs", std::move(files)}};
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", root) << "\n";
    return os.str();
}

}  // namespace convgen
