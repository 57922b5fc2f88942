
¥
10.0.1/app/libcoreclr.so/app/libmscordaccore.so"version stamp*Àd€€üZAppb‚€€è System.InvalidOperationExceptionboom ‰ªÌ€øÿÿÿÿ2-System.ArgumentExceptioninnerJ
À€ø€¢ÿ?J
À€ø€¢ÿ?J
À€ø€¢ÿ?Rj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™³ú€¤ÿ? *He€ü@Z.NET TP Workerj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™³ú€¤ÿ? *Hf‚€ü@Z.NET TP Workerj€ ü€ ÿ? ÿ? j
À€ø€¢ÿ?j™³ú€¤ÿ? 2
À€ø€¢ÿ?:thread 12: GetContext failed¢d
/app/Ddcrash.TestApp.dll$0c1d2e3f-0000-0000-0000-000000000000ab"/build/App.pdb*/app/App.pdb8º®.Ddcrash.TestApp.Parker.ParkHere(System.Object)Ddcrash.TestApp.Parker.ParkHere"Ddcrash.TestApp.Parker*/app/Ddcrash.TestApp.dll0’€€08@@H€€øP€€ôXj/src/Program.cspÕx	º9System.Threading.Monitor.Wait8ÿÿÿÿbInlinedCallFrameº8ÿÿÿÿ