// A reporter a user controls, for security_test.sh: appends "uid=U euid=E" to the file
// $WITNESS each time it runs, so the test sees whether, and with which privileges, the hook
// ran it.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  const char* witness = getenv("WITNESS");
  if (witness == NULL) return 1;
  const int fd = open(witness, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return 1;
  char line[64];
  const int length =
      snprintf(line, sizeof(line), "uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
  const int ok = write(fd, line, (size_t)length) == length;
  close(fd);
  return ok ? 0 : 1;
}
