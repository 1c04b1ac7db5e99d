// The verbs of the convgen command line, one file each, and the argument reader they share.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace convgen::cli {

// Minimal `--flag value` / `-o value` / positional reader with a per-verb list of known flags.
class Args {
public:
    // valueFlags take a value; boolFlags do not. Unknown flags are errors.
    Args(int argc, char **argv, std::vector<std::string> valueFlags, std::vector<std::string> boolFlags);
    bool ok() const { return error_.empty(); }
    const std::string &error() const { return error_; }
    bool has(const std::string &flag) const { return values_.count(flag) != 0; }
    std::string get(const std::string &flag, const std::string &fallback = "") const;
    // An integer flag; sets error() for a non-integer.
    long long getInt(const std::string &flag, long long fallback);
    const std::vector<std::string> &positional() const { return positional_; }

private:
    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
    std::string error_;
};

int generateMain(int argc, char **argv);
int verifyMain(int argc, char **argv);
int runMain(int argc, char **argv);
int benchMain(int argc, char **argv);
int targetsMain(int argc, char **argv);
int tuneMain(int argc, char **argv);
int dbMain(int argc, char **argv);

}  // namespace convgen::cli
