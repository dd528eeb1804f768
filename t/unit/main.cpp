// Runs every registered CppUnit test (optionally those whose name contains argv[1]) and prints
// one machine-readable summary line that t/run-all adds to the suite's total.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cstdlib>
#include <iostream>
#include <string>

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
}  // namespace

int main(int argc, char** argv) {
    std::string filter = argc > 1 ? argv[1] : "";
    CppUnit::TestRunner runner;
    collect(CppUnit::TestFactoryRegistry::getRegistry().makeTest(), filter, runner);
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);
    runner.run(controller);
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    int failed = result.testFailuresTotal();
    int passed = result.runTests() - failed;
    std::cout << "UNIT-RESULT passed=" << passed << " failed=" << failed << std::endl;
    return failed == 0 ? 0 : 1;
}
