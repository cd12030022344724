"""The Pulumi program: builds whatever the selected stack's config describes.

`pulumi up -s aws-dev` runs this file; `skyfleet preview --stack aws-dev` runs the same code
under Pulumi's mocks.
"""

from skyfleet.stack.program import run

run()
