// StagingDir: builds a run's files beside the output directory and moves them in only on success.
#pragma once

#include <string>
#include <vector>

namespace convgen {

class StagingDir {
public:
    // Creates DIR (if needed) and a private staging folder inside it; *error on failure.
    StagingDir(const std::string &dir, std::string *error);
    ~StagingDir();  // removes the staging folder and anything left in it

    std::string path(const std::string &file) const;  // where to write `file` while staging
    bool write(const std::string &file, const std::string &bytes, std::string *error);
    // Renames every staged file into DIR (each rename is atomic); false and *error on failure.
    bool commit(std::string *error);
    bool ok() const { return !staging_.empty(); }

private:
    std::string dir_, staging_;
    std::vector<std::string> files_;
};

}  // namespace convgen
