"""The office service: the booking intake API (and, mounted into it, the counselors' dashboard).

Installed only with the `office` extra (`pip install 'precheck[office]'`), so the job seeker's
package and executable never carry a web framework or database drivers.
"""
