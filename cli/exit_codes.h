// Exit codes of ddreport and ddquery: a documented contract (README "Exit codes").
#ifndef DDCRASH_CLI_EXIT_CODES_H_
#define DDCRASH_CLI_EXIT_CODES_H_

namespace ddcrash {

enum DdreportExit : int {
  kDdreportComplete = 0,        // report written, nothing missing
  kDdreportPartial = 1,         // report written, marked incomplete (see diagnostics)
  kDdreportUsage = 2,           // bad command line
  kDdreportNoTarget = 3,        // the process does not exist or exited before it was captured
  kDdreportAttachDenied = 4,    // not allowed to ptrace the process
  kDdreportWriteFailed = 5,     // the report could not be written
  kDdreportWatchdog = 6,        // stopped by its watchdog; the last checkpoint, if any, stays
};

enum DdqueryExit : int {
  kDdqueryOk = 0,
  kDdqueryUsage = 2,
  kDdqueryBadReport = 3,   // unreadable, corrupt, truncated or foreign file
  kDdqueryNoMatch = 4,     // --grep matched nothing, or the thread asked for is not there;
                           // --group found no report; --symbolize named no frame
  kDdqueryWriteFailed = 5,  // --symbolize could not write its output
};

}  // namespace ddcrash

#endif  // DDCRASH_CLI_EXIT_CODES_H_
