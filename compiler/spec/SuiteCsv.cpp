// SuiteCsv: reads name,batch,in_channels,out_channels,length,kernel_size,stride,pad_left,pad_right,
// dilation,groups,bias[,...] rows by header name.
#include "SuiteCsv.h"

#include "Conv1dSpec.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace convgen {

std::vector<SuiteLayer> readSuiteCsv(const std::string &path, std::string *error) {
    std::ifstream in(path);
    if (!in) {
        *error = "cannot read " + path;
        return {};
    }
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    for (std::stringstream ss(line); std::getline(ss, line, ',');) header.push_back(line);
    std::vector<SuiteLayer> layers;
    for (int row = 2; std::getline(in, line); ++row) {
        if (line.empty()) continue;
        std::map<std::string, std::string> f;
        std::stringstream ss(line);
        for (size_t i = 0; i < header.size() && std::getline(ss, line, ','); ++i) f[header[i]] = line;
        auto num = [&](const char *k) { return std::atoll(f[k].c_str()); };
        SuiteLayer l;
        l.name = f["name"];
        l.desc = Conv1dSpec().desc;
        convgen_conv1d_desc &d = l.desc;
        d.ic = num("in_channels"), d.oc = num("out_channels"), d.kw = num("kernel_size");
        d.sw = num("stride"), d.dw = num("dilation"), d.g = num("groups");
        d.pw_l = num("pad_left"), d.pw_r = num("pad_right"), d.bias = int(num("bias"));
        d.mb = 0, d.iw = 0;
        l.mb = num("batch"), l.iw = num("length");
        if (l.name.empty() || d.ic < 1 || d.oc < 1 || d.kw < 1 || d.g < 1 || d.sw < 1 || d.dw < 1 || d.ic % d.g ||
            d.oc % d.g || l.mb < 1 || l.iw < 1) {
            *error = path + ":" + std::to_string(row) + ": bad row for layer '" + l.name + "'";
            return {};
        }
        layers.push_back(l);
    }
    if (layers.empty()) *error = path + ": no layers";
    return layers;
}

}  // namespace convgen
