// Npy: the subset of the .npy format convgen run needs (versions 1-3, '<f4' and '<f2').
#include "Npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace convgen::cli {

int64_t NpyArray::count() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

namespace {

// The value of 'key' in the header dict, as raw text up to the next top-level comma or brace.
bool dictValue(const std::string &header, const std::string &key, std::string &value) {
    size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) return false;
    size_t colon = header.find(':', k);
    if (colon == std::string::npos) return false;
    size_t i = colon + 1;
    while (i < header.size() && header[i] == ' ') ++i;
    int depth = 0;
    size_t j = i;
    for (; j < header.size(); ++j) {
        char c = header[j];
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (depth == 0 && (c == ',' || c == '}')) break;
        if (depth < 0) return false;
    }
    value = header.substr(i, j - i);
    return true;
}

}  // namespace

bool readNpy(const std::string &path, NpyArray &out, std::string *error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot open";
        return false;
    }
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
        *error = path + ": not a .npy file";
        return false;
    }
    uint32_t headerLen = 0;
    if (magic[6] == 1) {
        unsigned char b[2];
        in.read(reinterpret_cast<char *>(b), 2);
        headerLen = b[0] | (b[1] << 8);
    } else if (magic[6] == 2 || magic[6] == 3) {
        unsigned char b[4];
        in.read(reinterpret_cast<char *>(b), 4);
        headerLen = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
    } else {
        *error = path + ": unsupported .npy version " + std::to_string(int(magic[6]));
        return false;
    }
    std::string header(headerLen, '\0');
    if (headerLen > (1u << 20) || !in.read(header.data(), headerLen)) {
        *error = path + ": truncated .npy header";
        return false;
    }
    std::string descr, fortran, shape;
    if (!dictValue(header, "descr", descr) || !dictValue(header, "fortran_order", fortran) ||
        !dictValue(header, "shape", shape)) {
        *error = path + ": malformed .npy header";
        return false;
    }
    if (descr.size() >= 2) descr = descr.substr(1, descr.size() - 2);
    if (descr != "<f4" && descr != "<f2") {
        *error = path + ": dtype " + descr + " is not supported (float32 '<f4' or float16 '<f2')";
        return false;
    }
    if (fortran.find("True") != std::string::npos) {
        *error = path + ": Fortran-ordered arrays are not supported (use numpy.ascontiguousarray)";
        return false;
    }
    out.descr = descr;
    out.shape.clear();
    std::string inner = shape.substr(shape.find('(') + 1);
    std::stringstream ss(inner);
    std::string item;
    while (std::getline(ss, item, ',')) {
        size_t a = item.find_first_of("0123456789");
        if (a == std::string::npos) continue;
        out.shape.push_back(std::stoll(item.substr(a)));
    }
    const int64_t bytes = out.count() * (descr == "<f4" ? 4 : 2);
    out.data.resize(size_t(bytes));
    if (!in.read(reinterpret_cast<char *>(out.data.data()), bytes)) {
        *error = path + ": file is shorter than its shape says";
        return false;
    }
    return true;
}

bool writeNpyF32(const std::string &path, const std::vector<int64_t> &shape, const std::vector<float> &data,
                 std::string *error) {
    std::string dims;  // numpy's tuple spelling: (3,) or (2, 3, 4)
    for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) dims += ",";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    const size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    const std::string tmp = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(tmp, std::ios::binary);
        out.write("\x93NUMPY\x01\x00", 8);
        const uint16_t len = uint16_t(header.size());
        const char lenBytes[2] = {char(len & 0xff), char(len >> 8)};
        out.write(lenBytes, 2);
        out << header;
        out.write(reinterpret_cast<const char *>(data.data()), std::streamsize(data.size() * sizeof(float)));
        if (!out) {
            std::remove(tmp.c_str());
            *error = path + ": cannot write";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        *error = path + ": cannot rename the temporary file into place";
        return false;
    }
    return true;
}

}  // namespace convgen::cli
