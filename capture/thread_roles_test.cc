#include "capture/thread_roles.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(ThreadRolesTest, GcThreadsByName) {
  for (const char* name : {".NET Server GC", ".NET BGC"}) {
    Thread thread;
    thread.set_name(name);
    AddThreadRolesFromName(&thread);
    ASSERT_EQ(thread.roles_size(), 1) << name;
    EXPECT_EQ(thread.roles(0), THREAD_ROLE_GC) << name;
  }
  for (const char* name : {".NET TP Wait", ".NET Sockets", ".NET Server G", "", "app"}) {
    Thread thread;
    thread.set_name(name);
    AddThreadRolesFromName(&thread);
    EXPECT_EQ(thread.roles_size(), 0) << name;
  }
}

TEST(ThreadRolesTest, FinalizerAndPoolWorkersByName) {
  Thread finalizer;
  finalizer.set_name(".NET Finalizer");
  AddThreadRolesFromName(&finalizer);
  ASSERT_EQ(finalizer.roles_size(), 1);
  EXPECT_EQ(finalizer.roles(0), THREAD_ROLE_FINALIZER);
  Thread worker;
  worker.set_name(".NET TP Worker");
  AddThreadRolesFromName(&worker);
  dac::ManagedThread managed;
  managed.is_threadpool = true;
  AddManagedThreadRoles(managed, &worker);
  ASSERT_EQ(worker.roles_size(), 1);
  EXPECT_EQ(worker.roles(0), THREAD_ROLE_THREADPOOL_WORKER);
}

TEST(ThreadRolesTest, ManagedRolesOnceEach) {
  dac::ManagedThread managed;
  managed.is_gc = true;
  managed.is_background = true;
  Thread thread;
  thread.set_name(".NET BGC");
  AddThreadRolesFromName(&thread);
  AddManagedThreadRoles(managed, &thread);
  ASSERT_EQ(thread.roles_size(), 2);
  EXPECT_EQ(thread.roles(0), THREAD_ROLE_GC);
  EXPECT_EQ(thread.roles(1), THREAD_ROLE_BACKGROUND);

  dac::ManagedThread pool;
  pool.is_finalizer = true;
  pool.is_threadpool = true;
  Thread other;
  AddManagedThreadRoles(pool, &other);
  ASSERT_EQ(other.roles_size(), 2);
  EXPECT_EQ(other.roles(0), THREAD_ROLE_FINALIZER);
  EXPECT_EQ(other.roles(1), THREAD_ROLE_THREADPOOL_WORKER);
}

}  // namespace
}  // namespace ddcrash
