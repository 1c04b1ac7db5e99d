// SpecParser: reads conv1d specs with LLVM's YAML parser and reports located errors.
#include "SpecParser.h"

#include "SpecChecks.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLParser.h>

#include <array>
#include <cctype>
#include <limits>
#include <set>
#include <sstream>

namespace convgen {

namespace {

namespace yaml = llvm::yaml;

constexpr int64_t kMaxDimension = std::numeric_limits<int32_t>::max();  // Halide indexes with int32

const std::array<const char *, 16> kKeys = {"name",   "in_channels", "out_channels", "kernel_size",  "stride",
                                            "padding", "padding_mode", "dilation",   "groups",        "bias",
                                            "activation", "layout",   "dtype",        "batch",        "length",
                                            "weight_layout"};

const std::set<std::string> kCKeywords = {
    "auto",   "break",    "case",   "char",     "const",   "continue", "default",  "do",       "double",
    "else",   "enum",     "extern", "float",    "for",     "goto",     "if",       "inline",   "int",
    "long",   "register", "restrict", "return", "short",   "signed",   "sizeof",   "static",   "struct",
    "switch", "typedef",  "union",  "unsigned", "void",    "volatile", "while",    "_Bool",    "_Complex",
    "bool",   "class",    "delete", "new",      "private", "public",   "template", "this",     "namespace",
    "true",   "false",    "operator", "virtual", "try",    "catch",    "throw",    "friend",   "using"};

template <typename... Args>
std::string cat(const Args &...args) {
    std::ostringstream os;
    (os << ... << args);
    return os.str();
}

class Parser {
public:
    Parser(const std::string &text, const std::string &file) : file_(file) {
        sm_.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, file), llvm::SMLoc());
        sm_.setDiagHandler(
            [](const llvm::SMDiagnostic &d, void *self) {
                auto *p = static_cast<Parser *>(self);
                p->yamlErrors_ = true;
                p->out_.errors.push_back({{p->file_, unsigned(d.getLineNo()), unsigned(d.getColumnNo() + 1)},
                                          cat("invalid YAML: ", d.getMessage().str())});
            },
            this);
    }

    ParsedSpecs run() {
        yaml::Stream stream(sm_.getMemoryBuffer(sm_.getMainFileID())->getBuffer(), sm_);
        int documents = 0;
        for (yaml::document_iterator doc = stream.begin(); doc != stream.end(); ++doc) {
            if (++documents > 1) {
                error(doc->getRoot(), "a spec file holds one YAML document; use 'kernels:' for several kernels");
                break;
            }
            parseRoot(doc->getRoot());
            if (stream.failed()) break;
        }
        if (yamlErrors_) {
            // After a syntax error the node tree is partial: report only what the YAML parser said.
            std::vector<Diagnostic> syntax;
            for (const Diagnostic &d : out_.errors)
                if (d.message.rfind("invalid YAML: ", 0) == 0) syntax.push_back(d);
            out_.errors = std::move(syntax);
            out_.kernels.clear();
            return std::move(out_);
        }
        if (documents == 0 && out_.errors.empty())
            out_.errors.push_back({{file_, 1, 1}, "empty spec: expected a kernel mapping or 'kernels:'"});
        if (out_.errors.empty()) checkSpecs(out_.kernels, out_.errors);
        return std::move(out_);
    }

private:
    SourceLocation where(const yaml::Node *n) const {
        if (!n) return {file_, 1, 1};
        auto [line, col] = sm_.getLineAndColumn(n->getSourceRange().Start);
        return {file_, line, col};
    }

    void error(const yaml::Node *n, const std::string &message) { out_.errors.push_back({where(n), message}); }

    // The plain (unquoted) text of a scalar, or nullopt after reporting what was expected.
    bool scalar(yaml::Node *n, const std::string &key, const std::string &expected, std::string &value) {
        auto *s = llvm::dyn_cast_or_null<yaml::ScalarNode>(n);
        if (!s) {
            error(n, cat(key, " must be ", expected));
            return false;
        }
        llvm::SmallString<32> storage;
        value = s->getValue(storage).str();
        return true;
    }

    static bool isQuoted(yaml::Node *n) {
        auto *s = llvm::dyn_cast_or_null<yaml::ScalarNode>(n);
        return s && !s->getRawValue().empty() && (s->getRawValue()[0] == '"' || s->getRawValue()[0] == '\'');
    }

    // Parses an integer in [lo, kMaxDimension]; reports and returns false otherwise.
    bool integer(yaml::Node *n, const std::string &key, int64_t lo, int64_t &out) {
        const char *expected = lo > 0 ? "a positive integer" : "a non-negative integer";
        std::string text;
        if (!scalar(n, key, expected, text)) return false;
        long long v = 0;
        if (isQuoted(n) || llvm::StringRef(text).getAsInteger(10, v)) {
            error(n, cat(key, " must be ", expected, ", got '", text, "'"));
            return false;
        }
        if (v < lo || v > kMaxDimension) {
            error(n, cat(key, " must be ", expected, (v > kMaxDimension ? " below 2^31" : ""), ", got ", v));
            return false;
        }
        out = v;
        return true;
    }

    // An integer, or the word `dynamic` (stored as 0).
    bool sizeOrDynamic(yaml::Node *n, const std::string &key, int64_t &out) {
        std::string text;
        if (!scalar(n, key, "a positive integer or 'dynamic'", text)) return false;
        if (text == "dynamic" && !isQuoted(n)) {
            out = 0;
            return true;
        }
        return integer(n, key, 1, out);
    }

    template <typename Enum, size_t N>
    bool choice(yaml::Node *n, const std::string &key, const std::array<const char *, N> &names, Enum &out) {
        std::string all;
        for (const char *s : names) all += (all.empty() ? "" : " | ") + std::string(s);
        std::string text;
        if (!scalar(n, key, "one of " + all, text)) return false;
        for (size_t i = 0; i < N; ++i) {
            if (text == names[i]) {
                out = static_cast<Enum>(i);
                return true;
            }
        }
        error(n, cat(key, " must be one of ", all, ", got '", text, "'"));
        return false;
    }

    void parsePadding(yaml::Node *n, Conv1dSpec &s, bool &same, bool &causal) {
        if (auto *seq = llvm::dyn_cast<yaml::SequenceNode>(n)) {
            std::vector<int64_t> sides;
            for (yaml::Node &item : *seq) {
                int64_t v;
                if (!integer(&item, "padding", 0, v)) return;
                sides.push_back(v);
            }
            if (sides.size() != 2) {
                error(n, cat("padding as a list must be [left, right], got ", sides.size(), " values"));
                return;
            }
            s.desc.pw_l = sides[0];
            s.desc.pw_r = sides[1];
            return;
        }
        std::string text;
        if (!scalar(n, "padding", "a non-negative integer, [left, right], same, valid or causal", text)) return;
        if (!isQuoted(n) && !text.empty() && (std::isdigit((unsigned char)text[0]) || text[0] == '-')) {
            int64_t v;
            if (integer(n, "padding", 0, v)) s.desc.pw_l = s.desc.pw_r = v;
            return;
        }
        if (text == "valid") {
            s.desc.pw_l = s.desc.pw_r = 0;
        } else if (text == "same" || text == "causal") {
            same = text == "same";
            causal = text == "causal";
        } else {
            error(n, cat("padding must be a non-negative integer, [left, right], same, valid or causal, got '", text,
                         "'"));
        }
    }

    // State of the kernel mapping being read.
    struct Pending {
        Conv1dSpec spec;
        bool same = false, causal = false;
        size_t errorsBefore = 0;
        yaml::Node *map = nullptr;
    };

    void beginKernel(Pending &k, yaml::Node *map) {
        k = Pending();
        k.spec.where = where(map);
        k.map = map;
        k.errorsBefore = out_.errors.size();
    }

    void parseKernel(yaml::Node *node) {
        auto *map = llvm::dyn_cast_or_null<yaml::MappingNode>(node);
        if (!map) {
            error(node, "a kernel must be a mapping of keys such as name, in_channels, out_channels, kernel_size");
            return;
        }
        Pending k;
        beginKernel(k, map);
        for (yaml::KeyValueNode &kv : *map) kernelKey(k, kv);
        finishKernel(k);
    }

    void kernelKey(Pending &k, yaml::KeyValueNode &kv) {
        Conv1dSpec &s = k.spec;
        auto *keyNode = llvm::dyn_cast_or_null<yaml::ScalarNode>(kv.getKey());
        if (!keyNode) {
            error(kv.getKey(), "keys must be plain words");
            return;
        }
        llvm::SmallString<32> storage;
        const std::string key = keyNode->getValue(storage).str();
        yaml::Node *v = kv.getValue();
        if (s.keys.count(key)) {
            error(keyNode, cat("duplicate key '", key, "'"));
            return;
        }
        s.keys[key] = where(v);
        convgen_conv1d_desc &d = s.desc;
        if (key == "name") {
            std::string text;
            if (!scalar(v, key, "a C identifier", text)) return;
            if (!isIdentifier(text)) {
                error(v, cat("name must be a C identifier (letters, digits, '_', not starting with a digit), got '",
                             text, "'"));
            } else if (kCKeywords.count(text) || llvm::StringRef(text).starts_with("halide_") ||
                       llvm::StringRef(text).starts_with("convgen_")) {
                error(v, cat("name '", text, "' is reserved (a C/C++ keyword or a halide_/convgen_ prefix)"));
            } else {
                s.name = text;
            }
        } else if (key == "in_channels") {
            integer(v, key, 1, d.ic);
        } else if (key == "out_channels") {
            integer(v, key, 1, d.oc);
        } else if (key == "kernel_size") {
            integer(v, key, 1, d.kw);
        } else if (key == "stride") {
            integer(v, key, 1, d.sw);
        } else if (key == "dilation") {
            integer(v, key, 1, d.dw);
        } else if (key == "groups") {
            integer(v, key, 1, d.g);
        } else if (key == "padding") {
            parsePadding(v, s, k.same, k.causal);
        } else if (key == "padding_mode") {
            choice(v, key, std::array<const char *, 4>{"zeros", "reflect", "replicate", "circular"},
                   d.padding_mode);
        } else if (key == "bias") {
            std::string text;
            if (!scalar(v, key, "true or false", text)) return;
            if (text == "true" || text == "True") d.bias = 1;
            else if (text == "false" || text == "False") d.bias = 0;
            else error(v, cat("bias must be true or false, got '", text, "'"));
        } else if (key == "activation") {
            choice(v, key, std::array<const char *, 6>{"none", "relu", "silu", "gelu", "tanh", "sigmoid"},
                   d.activation);
        } else if (key == "layout") {
            choice(v, key, std::array<const char *, 2>{"ncw", "nwc"}, d.layout);
        } else if (key == "dtype") {
            choice(v, key, std::array<const char *, 3>{"f32", "f16", "bf16"}, d.dtype);
        } else if (key == "weight_layout") {
            choice(v, key, std::array<const char *, 2>{"oiw", "Owi16o"}, d.wei_layout);
        } else if (key == "batch") {
            sizeOrDynamic(v, key, d.mb);
        } else if (key == "length") {
            sizeOrDynamic(v, key, d.iw);
        } else {
            s.keys.erase(key);
            std::string hint;
            unsigned best = 3;
            for (const char *k : kKeys) {
                unsigned dist = llvm::StringRef(key).edit_distance(k);
                if (dist < best) {
                    best = dist;
                    hint = cat(" (did you mean '", k, "'?)");
                }
            }
            error(keyNode, cat("unknown key '", key, "'", hint));
        }
    }

    void finishKernel(Pending &k) {
        Conv1dSpec &s = k.spec;
        yaml::Node *map = k.map;
        const size_t errorsBefore = k.errorsBefore;
        for (const char *required : {"name", "in_channels", "out_channels", "kernel_size"}) {
            if (!s.keys.count(required)) error(map, cat("missing required key '", required, "'"));
        }
        if (out_.errors.size() != errorsBefore) return;
        convgen_conv1d_desc &d = s.desc;
        const int64_t total = d.dw * (d.kw - 1);
        if (k.same) {
            if (d.sw != 1) {
                out_.errors.push_back({s.at("padding"), cat("padding 'same' is not supported for strided "
                                                            "convolutions (stride ", d.sw, "), as in PyTorch")});
                return;
            }
            d.pw_l = total / 2;
            d.pw_r = total - d.pw_l;
        } else if (k.causal) {
            d.pw_l = total;
            d.pw_r = 0;
        }
        out_.kernels.push_back(std::move(s));
    }

    static bool isIdentifier(const std::string &t) {
        if (t.empty() || std::isdigit((unsigned char)t[0])) return false;
        for (char c : t)
            if (!(std::isalnum((unsigned char)c) || c == '_')) return false;
        return true;
    }

    void parseRoot(yaml::Node *root) {
        auto *map = llvm::dyn_cast_or_null<yaml::MappingNode>(root);
        if (!map) {
            if (root && !llvm::isa<yaml::NullNode>(root))
                error(root, "expected a kernel mapping or 'kernels:' with a list of kernel mappings");
            else
                out_.errors.push_back({{file_, 1, 1}, "empty spec: expected a kernel mapping or 'kernels:'"});
            return;
        }
        // `kernels:` as the first key selects the list form; any other key makes the root one kernel.
        // (LLVM's YAML nodes are read once, in order: the first key decides.)
        enum { Unknown, List, Single } form = Unknown;
        Pending k;
        for (yaml::KeyValueNode &kv : *map) {
            auto *key = llvm::dyn_cast_or_null<yaml::ScalarNode>(kv.getKey());
            llvm::SmallString<16> storage;
            const bool isKernels = key && key->getValue(storage) == "kernels";
            if (form == Unknown) {
                form = isKernels ? List : Single;
                if (form == Single) beginKernel(k, map);
            }
            if (form == Single) {
                kernelKey(k, kv);
            } else if (!isKernels) {
                error(kv.getKey(), "a file with 'kernels:' has no other top-level keys");
            } else if (auto *seq = llvm::dyn_cast_or_null<yaml::SequenceNode>(kv.getValue())) {
                int n = 0;
                for (yaml::Node &item : *seq) {
                    parseKernel(&item);
                    ++n;
                }
                if (n == 0) error(seq, "'kernels' is empty: give at least one kernel");
            } else {
                error(kv.getValue(), "'kernels' must be a list of kernel mappings");
            }
        }
        if (form == Single) finishKernel(k);
        if (form == Unknown) out_.errors.push_back({where(map), "empty spec: expected a kernel mapping or 'kernels:'"});
    }

    std::string file_;
    llvm::SourceMgr sm_;
    ParsedSpecs out_;
    bool yamlErrors_ = false;
};

}  // namespace

ParsedSpecs parseSpecText(const std::string &text, const std::string &file) { return Parser(text, file).run(); }

ParsedSpecs parseSpecFile(const std::string &path) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buffer) {
        ParsedSpecs out;
        out.errors.push_back({{path, 0, 0}, cat("cannot read spec file: ", buffer.getError().message())});
        return out;
    }
    return parseSpecText((*buffer)->getBuffer().str(), path);
}

}  // namespace convgen
