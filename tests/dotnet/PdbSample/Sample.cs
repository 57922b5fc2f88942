// Source for the PDB reader's fixtures: lambdas, generics, iterators, async, several
// statements on one line, hidden sequence points and a method spanning two documents.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Ddcrash.PdbSample
{
    public static class Sample
    {
        public static int Add(int a, int b) { int c = a + b; c *= 2; return c / 2; }

        public static T Pick<T>(T first, T second, bool which)
        {
            if (which)
            {
                return first;
            }
            return second;
        }

        public static int Lambdas(IEnumerable<int> values)
        {
            Func<int, int> square = x => x * x;
            return values.Where(v => v % 2 == 0)
                         .Select(square)
                         .Sum();
        }

        public static IEnumerable<string> Iterate(int n)
        {
            for (int i = 0; i < n; i++)
            {
                yield return i.ToString();
            }
        }

        public static async Task<int> DelayedAsync(int x)
        {
            await Task.Yield();
            return x + 1;
        }

        public static string Switch(object o)
        {
            switch (o)
            {
                case int i when i > 10: return "big";
                case int: return "int";
                case string s: return s;
                default: return "other";
            }
        }

        public static int Hidden(int x)
        {
            int y = x + 1;
#line hidden
            y += 2;
#line default
            return y;
        }

        public static int TwoDocuments(int x)
        {
            int y = x * 3;
#line 100 "Generated.g.cs"
            y -= 1;
#line default
            return y;
        }

#if REBUILT
        public static int OnlyInRebuilt() => 42;
#endif

        public static void Throws()
        {
            try
            {
                throw new InvalidOperationException("fixture");
            }
            catch (InvalidOperationException) when (DateTime.Now.Year > 2000)
            {
                Console.WriteLine("caught");
            }
            finally
            {
                Console.WriteLine("finally");
            }
        }
    }

    public class Generic<T> where T : new()
    {
        private readonly List<T> items = new();
        public T Make() { var t = new T(); items.Add(t); return t; }
        public int Count => items.Count;
    }
}
