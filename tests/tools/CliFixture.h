// Cli: a test fixture that runs the convgen executable in a fresh temporary directory.
#pragma once

#include "convgen/half.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace convgen_test {

struct Result {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        char model[] = "/tmp/convgen_cli_test_XXXXXX";
        dir_ = mkdtemp(model);
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string path(const std::string &f) const { return dir_ + "/" + f; }

    Result convgen(const std::string &args) const {
        Result r;
        const std::string cmd = std::string(CONVGEN_BINARY) + " " + args + " >" + path("stdout") + " 2>" +
                                path("stderr") + " </dev/null";
        const int status = std::system(cmd.c_str());
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = slurp(path("stdout"));
        r.err = slurp(path("stderr"));
        return r;
    }

    void write(const std::string &f, const std::string &text) const { std::ofstream(path(f)) << text; }

    // A .npy file with the given descr ('<f4', '<f2', '<f8') holding `values` converted to it.
    void writeNpy(const std::string &f, const std::string &descr, const std::vector<long> &shape,
                  const std::vector<double> &values) const {
        std::string dims;
        for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
        if (shape.size() == 1) dims += ",";
        std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
        header += '\n';
        std::ofstream out(path(f), std::ios::binary);
        out.write("\x93NUMPY\x01\x00", 8);
        const char len[2] = {char(header.size() & 0xff), char(header.size() >> 8)};
        out.write(len, 2);
        out << header;
        for (double v : values) {
            if (descr == "<f4") {
                float x = float(v);
                out.write(reinterpret_cast<char *>(&x), 4);
            } else if (descr == "<f2") {
                uint16_t h = convgen_f32_to_f16(float(v));
                out.write(reinterpret_cast<char *>(&h), 2);
            } else {
                out.write(reinterpret_cast<char *>(&v), 8);
            }
        }
    }

    // The float32 payload of an .npy written by convgen run (header skipped).
    std::vector<float> readNpyF32(const std::string &f) const {
        const std::string bytes = slurp(path(f));
        if (bytes.size() < 10) return {};
        const size_t headerLen = size_t((unsigned char)bytes[8]) | (size_t((unsigned char)bytes[9]) << 8);
        std::vector<float> v((bytes.size() - 10 - headerLen) / 4);
        std::memcpy(v.data(), bytes.data() + 10 + headerLen, v.size() * 4);
        return v;
    }

    std::string dir_;
};

}  // namespace convgen_test
