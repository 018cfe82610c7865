@echo off
rem pulumi-resource-awsamp.cmd: runs the awsamp provider plugin (compiled JavaScript) with the node on PATH,
rem as launcher.sh does elsewhere. The engine looks for pulumi-resource-awsamp.exe or .cmd on Windows. %~dp0 is
rem this file's folder (with a trailing \); %* passes every argument on. `make dist` writes it with CRLF endings.
where node >nul 2>nul || goto nonode
node -r "%~dp0checkNode.js" "%~dp0bin\main.js" %*
exit /b %ERRORLEVEL%
:nonode
>&2 echo pulumi-resource-awsamp: the awsamp provider needs Node.js 22.12 or later on PATH; found none (install it from https://nodejs.org)
exit /b 1
