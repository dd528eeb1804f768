// Runs every registered CppUnit test (optionally those whose name contains argv[1]) and prints
// one machine-readable summary line that t/run-all adds to the suite's total. A test that throws
// vidjil_test::Skipped (e.g. require_data() without ../shared/data) is counted as skipped.
#include <cppunit/CompilerOutputter.h>
#include <cppunit/Protector.h>
#include <cppunit/Test.h>
#include <cppunit/TestFailure.h>
#include <cppunit/TestListener.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include "vidjil_test_data.h"

namespace {
// A filter selects tests whose name contains it; "!text" selects those that do not.
bool selected(const std::string& name, const std::string& filter) {
    if (filter.empty()) return true;
    if (filter[0] == '!') return name.find(filter.substr(1)) == std::string::npos;
    return name.find(filter) != std::string::npos;
}

void collect(CppUnit::Test* test, const std::string& filter, CppUnit::TestRunner& runner) {
    if (test->getChildTestCount() == 0) {
        // $VIDJIL_UNIT_EXCLUDE: names containing it are left out whatever the filter.
        const char* exclude = std::getenv("VIDJIL_UNIT_EXCLUDE");
        if (exclude && *exclude && test->getName().find(exclude) != std::string::npos) return;
        if (selected(test->getName(), filter)) runner.addTest(test);
        return;
    }
    for (int i = 0; i < test->getChildTestCount(); ++i) collect(test->getChildTestAt(i), filter, runner);
}

std::set<std::string> skipped;
std::string current_test;  // set by Progress::startTest

// Innermost protector: a Skipped exception ends the test without a failure and records it.
class SkipProtector : public CppUnit::Protector {
public:
    bool protect(const CppUnit::Functor& functor, const CppUnit::ProtectorContext&) override {
        try {
            return functor();
        } catch (const vidjil_test::Skipped& e) {
            skipped.insert(current_test);
            std::cout << " (" << e.what() << ")";
            return true;
        }
    }
};

// "name : OK" / "name : SKIPPED" / "name : assertion|error", one line per test.
class Progress : public CppUnit::TestListener {
public:
    void startTest(CppUnit::Test* test) override {
        failed_ = false;
        current_test = test->getName();
        std::cout << test->getName() << std::flush;
    }
    void addFailure(const CppUnit::TestFailure& failure) override {
        std::cout << " : " << (failure.isError() ? "error" : "assertion");
        failed_ = true;
    }
    void endTest(CppUnit::Test* test) override {
        if (!failed_) std::cout << (skipped.count(test->getName()) ? " : SKIPPED" : " : OK");
        std::cout << std::endl;
    }

private:
    bool failed_ = false;
};
}  // namespace

int main(int argc, char** argv) {
    std::string filter = argc > 1 ? argv[1] : "";
    CppUnit::TestRunner runner;
    collect(CppUnit::TestFactoryRegistry::getRegistry().makeTest(), filter, runner);
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    Progress progress;
    controller.addListener(&progress);
    controller.pushProtector(new SkipProtector);  // owned by the controller
    runner.run(controller);
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    int failed = result.testFailuresTotal();
    int nskipped = static_cast<int>(skipped.size());
    int passed = result.runTests() - failed - nskipped;
    std::cout << "UNIT-RESULT passed=" << passed << " failed=" << failed << " skipped=" << nskipped << std::endl;
    return failed == 0 ? 0 : 1;
}
