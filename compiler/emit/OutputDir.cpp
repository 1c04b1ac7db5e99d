// StagingDir: atomic publication of generated files (temp folder + rename).
#include "OutputDir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <fstream>

namespace convgen {

namespace fs = llvm::sys::fs;

StagingDir::StagingDir(const std::string &dir, std::string *error) : dir_(dir) {
    if (std::error_code ec = fs::create_directories(dir)) {
        if (error) *error = "cannot create output directory '" + dir + "': " + ec.message();
        return;
    }
    // An absolute model: LLVM creates a relative one under the system temp folder instead.
    llvm::SmallString<256> model(dir);
    fs::make_absolute(model);
    llvm::sys::path::append(model, ".convgen-staging-%%%%%%%%");
    llvm::SmallString<256> made;
    if (std::error_code ec = fs::createUniqueDirectory(model, made)) {
        if (error) *error = "cannot create a staging folder in '" + dir + "': " + ec.message();
        return;
    }
    staging_ = std::string(made.str());
}

StagingDir::~StagingDir() {
    if (!staging_.empty()) fs::remove_directories(staging_);
}

std::string StagingDir::path(const std::string &file) const {
    llvm::SmallString<256> p(staging_);
    llvm::sys::path::append(p, file);
    return std::string(p.str());
}

bool StagingDir::write(const std::string &file, const std::string &bytes, std::string *error) {
    llvm::SmallString<256> parent(path(file));
    llvm::sys::path::remove_filename(parent);
    fs::create_directories(parent);
    std::ofstream out(path(file), std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out) {
        if (error) *error = "cannot write '" + path(file) + "'";
        return false;
    }
    files_.push_back(file);
    return true;
}

bool StagingDir::commit(std::string *error) {
    // Files Halide wrote directly into the staging folder are published too.
    std::vector<std::string> all;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(staging_, ec), end; it != end && !ec; it.increment(ec)) {
        if (it->type() == fs::file_type::directory_file) continue;
        all.push_back(it->path().substr(staging_.size() + 1));
    }
    for (const std::string &file : all) {
        llvm::SmallString<256> target(dir_);
        llvm::sys::path::append(target, file);
        llvm::SmallString<256> parent(target);
        llvm::sys::path::remove_filename(parent);
        fs::create_directories(parent);
        if (std::error_code rc = fs::rename(path(file), target)) {
            if (error) *error = "cannot move '" + file + "' into '" + dir_ + "': " + rc.message();
            return false;
        }
    }
    return true;
}

}  // namespace convgen
