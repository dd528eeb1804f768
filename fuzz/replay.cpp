// Replays the fuzz corpora with the normal (g++, uninstrumented) build, so that t/run-all
// checks every input ever found interesting (and every crash regression input) still passes:
//   fuzz/replay CORPUS_DIR [FILTER]
// runs, for each harness whose name contains FILTER, its entry function over every file of
// CORPUS_DIR/<name>/, in a child process (a crash fails that harness only). Prints one
// "ok|FAIL fuzz-replay-<name> (N inputs)" line per harness and "RESULT passed=N failed=M".
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/harnesses.h"

namespace {

struct Harness {
    const char* name;
    int (*entry)(const uint8_t*, size_t);
};

const Harness kHarnesses[] = {
    {"request", vidjil::fuzz::request},
    {"multipart_stream", vidjil::fuzz::multipart_stream},
    {"params_json", vidjil::fuzz::params_json},
    {"cookies_headers", vidjil::fuzz::cookies_headers},
    {"vidjil_import", vidjil::fuzz::vidjil_import},
    {"airr_import", vidjil::fuzz::airr_import},
    {"markdown", vidjil::fuzz::markdown},
    {"sql_dump", vidjil::fuzz::sql_dump},
    {"backup_tar", vidjil::fuzz::backup_tar},
};

std::vector<std::string> files_of(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Child process: runs every input; exit status 0 when all returned normally.
int replay(const Harness& h, const std::vector<std::string>& inputs) {
    for (const auto& path : inputs) {
        std::ifstream in(path, std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            h.entry(reinterpret_cast<const uint8_t*>(data.data()), data.size());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: uncaught exception: %s\n", path.c_str(), e.what());
            return 1;
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: fuzz/replay CORPUS_DIR [FILTER]\n");
        return 2;
    }
    std::string root = argv[1], filter = argc > 2 ? argv[2] : "";
    int passed = 0, failed = 0;
    for (const Harness& h : kHarnesses) {
        std::string test = std::string("fuzz-replay-") + h.name;
        if (!filter.empty() && test.find(filter) == std::string::npos) continue;
        std::vector<std::string> inputs = files_of(root + "/" + h.name);
        std::fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) _exit(replay(h, inputs));
        int status = 0;
        bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        // An empty corpus would make the test pass without testing anything.
        if (inputs.empty()) ok = false;
        std::printf("%s %s (%zu inputs)\n", ok ? "ok" : "FAIL", test.c_str(), inputs.size());
        (ok ? passed : failed)++;
    }
    std::printf("RESULT passed=%d failed=%d\n", passed, failed);
    return failed ? 1 : 0;
}
