// NumPy .npy reading and writing (little-endian float32 / float16, C order).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace convgen::cli {

struct NpyArray {
    std::string descr;             // '<f4' or '<f2'
    std::vector<int64_t> shape;
    std::vector<uint8_t> data;     // raw little-endian elements
    int64_t count() const;
};

// Reads path; false with *error for unreadable files, bad headers, Fortran order, other dtypes.
bool readNpy(const std::string &path, NpyArray &out, std::string *error);

// Writes float32 data of `shape` atomically (temp file + rename).
bool writeNpyF32(const std::string &path, const std::vector<int64_t> &shape, const std::vector<float> &data,
                 std::string *error);

}  // namespace convgen::cli
